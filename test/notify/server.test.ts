/**
 * The outbox worker as jitsudod runs it: startServer starts it with the configured webhooks, a
 * request made over HTTP reaches the receiver signed, and GET /admin/outbox shows the delivery
 * counts to an admin only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { mintDevToken } from '../../src/core/identity/index.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';
import { jitsudo, tempHome } from '../e2e/support/processes.js';
import { type Receiver, startReceiver, until } from './receiver.js';

const SECRET = 'server-test-secret-0123456789';

describe('jitsudod delivers outbox events to its webhooks', () => {
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-notify-'));
  let rx: Receiver;
  let server: RunningServer;
  const token = async (email: string, groups: string[]) =>
    (await mintDevToken(server.core.deps.keys, { email, groups, kind: 'human', ttl: 600 })).token;
  const call = async (method: string, path: string, bearer: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/v1alpha1${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
    server = await startServer({
      config: parseConfig({
        home,
        mode: 'dev',
        http: { addr: '127.0.0.1:0' },
        log: { level: 'silent' },
        auth: { mode: 'dev' },
        providers: { mock: {} },
        sweeper: { enabled: false },
        notifications: { poll_interval_ms: 50, webhooks: [{ name: 'rx', url: rx.url, secrets: [SECRET] }] },
      }),
    });
  });
  afterAll(async () => {
    await server?.close();
    await rx?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('a request over HTTP is told to the webhook, signed; the outbox status is for admins', async () => {
    const alice = await token('alice@example.com', ['sre']);
    const created = await call('POST', '/requests', alice, {
      provider: 'mock',
      role: 'admin',
      resource_scope: 'dev',
      duration: '15m',
      reason: 'INC-42',
    });
    expect(created.status).toBe(201);
    const id = created.body.id ?? created.body.request?.id;
    await until(() => [...rx.unique.values()].some((r) => r.body.request_id === id), 'the webhook delivery');
    const got = [...rx.unique.values()].find(
      (r) => r.body.request_id === id && r.type === 'request.created',
    )!;
    expect(got.body.request).toMatchObject({ id, reason: 'INC-42' });
    expect(rx.badSignatures).toBe(0);

    expect((await call('GET', '/admin/outbox', alice)).status).toBe(403);
    const admin = await token('root@example.com', ['jitsudo-admins']);
    await until(async () => {
      const st = await call('GET', '/admin/outbox', admin);
      return st.status === 200 && st.body.sinks[0]?.delivered >= 1;
    }, 'the status to count the delivery');
    const st = await call('GET', '/admin/outbox', admin);
    expect(st.body.sinks).toEqual([expect.objectContaining({ sink: 'rx', dead: 0, last_error: null })]);
    expect(JSON.stringify(st.body)).not.toContain(SECRET);
  });

  it('jitsudo server status shows the sink to an admin signed in to this server, and to no one else', async () => {
    const admin = tempHome('notify-admin');
    const alice = tempHome('notify-alice');
    const env = { home: admin, server: server.url };
    expect(
      (await jitsudo(['login', '--dev', '--user', 'root@example.com', '--groups', 'jitsudo-admins'], env))
        .code,
    ).toBe(0);
    expect(
      (
        await jitsudo(['login', '--dev', '--user', 'alice@example.com', '--groups', 'sre'], {
          home: alice,
          server: server.url,
        })
      ).code,
    ).toBe(0);
    const st = await jitsudo(['server', 'status'], env);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/notify:rx\s+UP\s+\d+ pending, \d+ delivered, 0 failed/);
    const plain = await jitsudo(['server', 'status'], { home: alice, server: server.url });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/readiness\s+UP/);
    expect(plain.stdout).not.toContain('notify:');
  });
});
