/**
 * SIGTERM to a real jitsudod (ADR 0053): it stops accepting connections at once, lets a slow request
 * in flight (an MCP wait_for_request streaming its answer) finish, stops the sweeper and the outbox
 * worker within http.shutdown_timeout_seconds and hands back their leases — a provider grant the
 * sweeper had claimed and a webhook delivery in flight are due again now, not lease_seconds (600 s)
 * later — then closes the database and exits 0. On PGlite always; on PostgreSQL when
 * TEST_DATABASE_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/db/client.js';
import { databaseUrl } from '../helpers/db.js';
import { startJitsudod, tempHome } from './support/processes.js';

const drivers = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
const P = '/api/v1alpha1';
const LATENCY_MS = 10_000;
const LEASE_SECONDS = 600;

async function rows(db: { execute(q: string): unknown }, q: string): Promise<Record<string, unknown>[]> {
  const r = (await db.execute(q)) as unknown;
  return (Array.isArray(r) ? r : (r as { rows: Record<string, unknown>[] }).rows) as Record<
    string,
    unknown
  >[];
}

async function until<T>(
  fn: () => Promise<T | undefined | false>,
  ms = 90_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what} not met in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(drivers)('graceful shutdown on %s', (driver) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it('finishes the request in flight, refuses new connections, releases leases, exits 0', {
    timeout: 300_000,
  }, async () => {
    // A webhook receiver that accepts and never answers: the delivery stays in flight.
    const hung: import('node:http').ServerResponse[] = [];
    const receiver: Server = createServer((_req, res) => void hung.push(res));
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      for (const res of hung) res.destroy();
      await new Promise((r) => receiver.close(r));
    });
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    const home = tempHome(`shutdown-${driver}`);
    let dbUrl: string | undefined;
    if (driver === 'postgres') {
      const name = `jitsudo_shutdown_${randomBytes(4).toString('hex')}`;
      const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      await admin.end();
      dbUrl = databaseUrl(name);
      cleanups.push(async () => {
        const a = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists ${name} with (force)`);
        await a.end();
      });
    }
    const configFile = join(home, 'jitsudo.yaml');
    writeFileSync(
      configFile,
      [
        'mode: dev',
        'auth: { mode: dev }',
        'http: { shutdown_timeout_seconds: 3 }',
        // Every mock call takes 10 s; the first grant fails (retryable), so the sweeper retries it.
        `providers: { mock: { latency_ms: ${LATENCY_MS}, fail_grants: 1 } }`,
        `sweeper: { interval_ms: 200, lease_seconds: ${LEASE_SECONDS} }`,
        'notifications:',
        `  lease_seconds: ${LEASE_SECONDS}`,
        '  poll_interval_ms: 100',
        `  webhooks: [{ name: hook, url: "${hookUrl}", secrets: ["0123456789abcdef0123"], timeout_ms: 60000 }]`,
        dbUrl ? `database: { url: "${dbUrl}" }` : '',
      ].join('\n'),
    );
    const server = await startJitsudod({
      home,
      args: ['--config', configFile],
      env: { JITSUDOD_LOG_LEVEL: 'info' },
    });
    cleanups.push(() => server.stop().then(() => {}));
    const call = async (method: string, path: string, token?: string, body?: unknown) => {
      const r = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: r.status, body: (await r.json()) as any };
    };
    const tok = async (email: string, groups: string[]) =>
      (await call('POST', `${P}/auth/dev-token`, undefined, { email, groups })).body.token as string;
    const alice = await tok('alice@example.com', ['sre']);
    const bob = await tok('bob@example.com', ['sre-leads']);

    const created = await call('POST', `${P}/requests`, alice, {
      provider: 'mock',
      role: 'admin',
      resource_scope: 'sandbox',
      duration: '30m',
      reason: 'shutdown test',
    });
    expect(created.status).toBe(201);
    const id = created.body.request.id as string;
    // The inline grant fails after 10 s; the request stays APPROVED for the sweeper to retry.
    const approved = await call('POST', `${P}/requests/${id}/approve`, bob, { comment: 'go' });
    expect(approved.status).toBe(200);
    // The webhook delivery is in flight (the receiver holds it) …
    await until(async () => hung.length > 0, 60_000, 'webhook delivery in flight');
    // … and the sweeper has claimed the grant retry (attempt 2), whose provider call takes 10 s.
    await until(
      async () => {
        const r = await call('GET', `${P}/requests/${id}`, alice);
        return r.body.request.state === 'APPROVED' && r.body.request.grant_attempts === 2;
      },
      60_000,
      'sweeper claim',
    );

    // A slow request in flight: wait_for_request streams (progressToken) and answers after 2 s.
    const slow = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${alice}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: {
          name: 'wait_for_request',
          arguments: { request_id: id, timeout_seconds: 2 },
          _meta: { progressToken: 'p1' },
        },
      }),
    });
    expect(slow.status).toBe(200);
    expect(slow.headers.get('content-type')).toContain('text/event-stream');

    const sigterm = Date.now();
    server.proc.kill('SIGTERM');
    // New connections are refused once the listener closed.
    await until(
      async () => {
        try {
          await fetch(`${server.url}/healthz`);
          return false;
        } catch (e) {
          return /ECONNREFUSED/.test(String((e as Error & { cause?: Error }).cause ?? e));
        }
      },
      10_000,
      'connection refused',
    );
    // The request in flight still completes with its answer.
    const text = await slow.text();
    expect(text).toContain('"id":7');
    expect(text).toContain('waited_seconds');
    // Not server.stop(): a second SIGTERM would kill the process before it finished shutting down.
    const code =
      server.proc.exitCode ?? (await new Promise<number | null>((res) => server.proc.once('exit', res)));
    expect(code).toBe(0);
    expect(server.output()).toContain('leases released');

    const opened = await openDatabase({
      home,
      database: dbUrl ? { url: dbUrl, pool_size: 1 } : { pool_size: 1 },
    });
    try {
      const [req] = await rows(
        opened.db,
        `select state, grant_attempts, next_attempt_at from requests where id = '${id}'`,
      );
      expect(req!.state).toBe('APPROVED');
      // Released: due now, not at the claim's lease (claim + 600 s).
      expect(new Date(req!.next_attempt_at as string).getTime()).toBeLessThanOrEqual(Date.now());
      expect(new Date(req!.next_attempt_at as string).getTime()).toBeGreaterThanOrEqual(sigterm);
      const deliveries = await rows(
        opened.db,
        `select state, attempts, next_attempt_at from outbox_deliveries where sink = 'hook' and attempts > 0`,
      );
      expect(deliveries.length).toBeGreaterThan(0);
      for (const d of deliveries) {
        expect(d.state).toBe('pending');
        expect(new Date(d.next_attempt_at as string).getTime()).toBeLessThanOrEqual(Date.now());
      }
    } finally {
      await opened.close();
    }
  });
});
