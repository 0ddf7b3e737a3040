/**
 * GET /metrics (ADR 0053) on a real jitsudod (startServer) over real sockets, on PGlite and
 * PostgreSQL: request counts by state/provider/tier, HTTP latency by route pattern (never a raw path
 * with an id), MCP latency by tool, policy and provider latency, audit head and pool gauges; no label
 * carries an identity, a reason or an id. Served on its own listener (not the main one) or on the
 * main one behind a bearer token; production mode refuses an unguarded one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { assertProductionSafe } from '../../src/server/production-mode.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';
import { createTestDb, type TestDb, testDatabases } from '../helpers/db.js';

const P = '/api/v1alpha1';
const TOKEN = 'scrape-token-0123456789abcdef';

async function json(url: string, init: RequestInit & { token?: string; body?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const r = await fetch(url, { ...init, headers });
  return { status: r.status, body: (await r.json()) as any };
}

/** Polls `fn` until it returns a truthy value (bounded). */
async function until<T>(fn: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The value of the series whose name and labels match, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe.each(testDatabases())('metrics on %s', (driver) => {
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-metrics-'));
  let db: TestDb | undefined;
  let server: RunningServer;
  let alice: string;
  let admin: string;
  let requestId: string;

  beforeAll(async () => {
    if (driver === 'postgres') db = await createTestDb('postgres');
    server = await startServer({
      config: parseConfig({
        home,
        http: { addr: '127.0.0.1:0' },
        log: { level: 'silent' },
        providers: { mock: {} },
        sweeper: { interval_ms: 100 },
        metrics: { enabled: true, addr: '127.0.0.1:0', refresh_seconds: 1 },
        database: db ? { url: db.url } : { url: 'memory://' },
      }),
    });
    const mint = async (email: string, groups: string[]) =>
      (
        await json(`${server.url}${P}/auth/dev-token`, {
          method: 'POST',
          body: JSON.stringify({ email, groups }),
        })
      ).body.token as string;
    alice = await mint('alice@example.com', ['sre']);
    admin = await mint('bob@example.com', ['sre-leads']);
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const scrape = async () => {
    const r = await fetch(`${server.metricsUrl}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    return r.text();
  };

  it('serves on metrics.addr only; the main listener has no /metrics', async () => {
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.metricsUrl).not.toBe(server.url);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    // Nothing but /metrics on the metrics listener.
    expect((await fetch(`${server.metricsUrl}/api/v1alpha1/requests`)).status).toBe(404);
  });

  it('counts requests and times routes by pattern, policy, provider calls and MCP tools; no identity in any label', async () => {
    const created = await json(`${server.url}${P}/requests`, {
      method: 'POST',
      token: alice,
      body: JSON.stringify({
        provider: 'mock',
        role: 'admin',
        resource_scope: 'sandbox',
        duration: '30m',
        reason: 'secret-reason-INC-77',
      }),
    });
    expect(created.status).toBe(201);
    requestId = created.body.request.id;
    expect((await json(`${server.url}${P}/requests/${requestId}`, { token: alice })).status).toBe(200);
    const approved = await json(`${server.url}${P}/requests/${requestId}/approve`, {
      method: 'POST',
      token: admin,
      body: JSON.stringify({ comment: 'go' }),
    });
    expect(approved.status).toBe(200);
    const mcp = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${alice}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'list_eligible_access', arguments: {} },
      }),
    });
    expect(mcp.status).toBe(200);
    await mcp.text();

    const text = await until(async () => {
      const t = await scrape();
      return sample(t, 'jitsudo_requests', { state: 'ACTIVE', provider: 'mock', tier: 'human' }) === 1 &&
        (sample(t, 'jitsudo_provider_call_duration_seconds_count', {
          provider: 'mock',
          operation: 'grant',
        }) ?? 0) >= 1
        ? t
        : undefined;
    });
    expect(
      sample(text, 'jitsudo_http_request_duration_seconds_count', {
        route: `${P}/requests/:id`,
        method: 'GET',
        code: '200',
      }),
    ).toBe(1);
    expect(
      sample(text, 'jitsudo_http_request_duration_seconds_count', {
        route: `${P}/requests`,
        method: 'POST',
        code: '201',
      }),
    ).toBe(1);
    expect(
      sample(text, 'jitsudo_policy_evaluation_duration_seconds_count', {
        decision: 'eligibility',
        outcome: 'ok',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'jitsudo_mcp_tool_duration_seconds_count', {
        tool: 'list_eligible_access',
        outcome: 'ok',
      }),
    ).toBe(1);
    expect(sample(text, 'jitsudo_audit_head_id')).toBeGreaterThan(0);
    expect(sample(text, 'jitsudo_audit_head_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'jitsudo_sweeper_backlog', { job: 'expire' })).toBe(0);
    expect(sample(text, 'jitsudo_sweeper_lag_seconds')).toBe(0);
    expect(sample(text, 'jitsudo_db_pool_max_connections', { driver })).toBe(driver === 'postgres' ? 10 : 1);
    if (driver === 'postgres')
      expect(sample(text, 'jitsudo_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(1);
    else expect(sample(text, 'jitsudo_db_pool_connections', { state: 'open' })).toBe(1);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // Labels never carry who, why or which request.
    for (const secret of [requestId, 'alice@example.com', 'bob@example.com', 'secret-reason', 'sandbox'])
      expect(text).not.toContain(secret);
  });
});

describe('metrics on the main listener', () => {
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-metrics-main-'));
  const tokenFile = join(home, 'metrics-token');
  let server: RunningServer;
  beforeAll(async () => {
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    server = await startServer({
      config: parseConfig({
        home,
        http: { addr: '127.0.0.1:0' },
        log: { level: 'silent' },
        database: { url: 'memory://' },
        metrics: { enabled: true, bearer_token_file: tokenFile },
      }),
    });
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('needs the configured bearer token', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, {
      headers: { authorization: 'Bearer nope-nope-nope-nope' },
    });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toMatch(/^rq_/);
    expect(await ok.text()).toContain('jitsudo_http_request_duration_seconds');
  });
});

describe('production mode and metrics', () => {
  const prod = (metrics: Record<string, unknown>) =>
    parseConfig({
      home: '/nonexistent',
      mode: 'production',
      auth: {
        mode: 'oidc',
        oidc: { issuer: 'https://idp.example.com', audience: 'https://jitsudo.example.com' },
      },
      database: { url: 'postgres://db.example.com/jitsudo' },
      metrics,
    });

  it('refuses /metrics on the main listener without a token, naming the key', () => {
    expect(() => assertProductionSafe(prod({ enabled: true }))).toThrow(/metrics\.bearer_token_file/);
  });

  it('refuses an unauthenticated non-loopback metrics.addr unless allow_unauthenticated says so', () => {
    expect(() => assertProductionSafe(prod({ enabled: true, addr: '0.0.0.0:9464' }))).toThrow(
      /metrics\.addr/,
    );
    expect(() =>
      assertProductionSafe(prod({ enabled: true, addr: '0.0.0.0:9464', allow_unauthenticated: true })),
    ).not.toThrow();
    expect(() => assertProductionSafe(prod({ enabled: true, addr: '127.0.0.1:9464' }))).not.toThrow();
    expect(() => assertProductionSafe(prod({ enabled: false }))).not.toThrow();
  });
});
