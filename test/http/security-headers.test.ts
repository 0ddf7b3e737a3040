/**
 * Every response carries `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`;
 * every API and /mcp response also `Cache-Control: no-store` — successes, errors, guard refusals,
 * MCP's own JSON and SSE answers. Checked over a real socket (@hono/node-server builds its own
 * lightweight responses) and under a host app's mount point.
 */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJitsudo, type Jitsudo } from '../../src/embed/create-jitsudo.js';
import { MockProvider } from '../../src/providers/mock/index.js';
import { ADMIN, type Stack, startStack } from '../helpers/app-stack.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { type RawResponse, type Served, send, serveApp } from '../helpers/real-http.js';

const P = '/api/v1alpha1';
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const rpc = (method: string, params: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });

function expectHeaders(r: RawResponse, where: string, api: boolean) {
  expect(r.headers['x-content-type-options'], where).toBe('nosniff');
  expect(r.headers['referrer-policy'], where).toBe('no-referrer');
  if (api) expect(r.headers['cache-control'], where).toBe('no-store');
}

describe('security headers', () => {
  let s: Stack;
  let served: Served;
  let bob: string;
  let admin: string;

  beforeAll(async () => {
    s = await startStack('pglite', { devTokens: true, agentTokens: true });
    served = await serveApp(s.app);
    bob = await s.humanToken('bob@example.com');
    admin = await s.humanToken(ADMIN.identity, ADMIN.groups);
  }, 120_000);
  afterAll(async () => {
    await served?.close();
    await s?.close();
  });

  it('on every route over a real socket; no-store on every API and /mcp response', async () => {
    const auth = (t: string) => ({ authorization: `Bearer ${t}` });
    const json = { 'content-type': 'application/json' };
    const cases: [
      string,
      { method?: string; headers?: Record<string, string>; body?: string },
      number,
      boolean,
    ][] = [
      ['/healthz', {}, 200, false],
      ['/version', {}, 200, false],
      ['/openapi.json', {}, 200, false],
      ['/no-such-page', {}, 404, false],
      [
        `${P}/auth/dev-token`,
        { method: 'POST', headers: json, body: '{"email":"z@example.com"}' },
        200,
        true,
      ],
      [`${P}/auth/whoami`, { headers: auth(bob) }, 200, true],
      [`${P}/requests`, { headers: auth(bob) }, 200, true],
      [`${P}/requests`, {}, 401, true],
      [`${P}/audit`, { headers: auth(admin) }, 200, true],
      [`${P}/no-such-resource`, { headers: auth(bob) }, 404, true],
      [`${P}/requests`, { method: 'POST', headers: { ...auth(bob), ...json }, body: '{"nope' }, 400, true],
      [
        `${P}/requests`,
        { method: 'POST', headers: { ...auth(bob), ...json, 'content-length': '99999999' } },
        413,
        true,
      ],
      // The dev-mode Host guard answers before any route.
      [`${P}/requests`, { headers: { ...auth(bob), host: 'rebound.example:8080' } }, 403, true],
      [
        '/mcp',
        { method: 'POST', headers: { ...auth(bob), ...MCP_HEADERS }, body: rpc('tools/list') },
        200,
        true,
      ],
      ['/mcp', { method: 'POST', headers: MCP_HEADERS, body: rpc('tools/list') }, 401, true],
      ['/mcp', { method: 'GET', headers: auth(bob) }, 405, true],
      ['/mcp', { method: 'POST', headers: { ...auth(bob), ...MCP_HEADERS }, body: '[]' }, 400, true],
      [
        '/mcp',
        {
          method: 'POST',
          headers: { ...auth(bob), ...MCP_HEADERS, origin: 'https://evil.example' },
          body: rpc('tools/list'),
        },
        403,
        true,
      ],
    ];
    for (const [path, o, status, api] of cases) {
      const where = `${o.method ?? 'GET'} ${path} ${o.headers?.host ?? ''}`;
      // 413 is judged by Content-Length alone, before any body is read; send none.
      const r = await send(
        `${served.url}${path}`,
        o.headers?.['content-length'] ? { ...o, body: undefined } : o,
      );
      expect(r.status, `${where}: ${r.text}`).toBe(status);
      expectHeaders(r, where, api);
    }
    // An SSE answer (a call with a progressToken) carries them too.
    const sse = await send(`${served.url}/mcp`, {
      method: 'POST',
      headers: { ...auth(bob), ...MCP_HEADERS },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'list_my_requests', arguments: {}, _meta: { progressToken: 'p1' } },
      }),
    });
    expect(sse.headers['content-type']).toMatch(/text\/event-stream/);
    expectHeaders(sse, 'SSE /mcp', true);
  });
});

describe('security headers under a host app’s mount point', () => {
  let db: TestDb;
  let j: Jitsudo;
  let served: Served;

  beforeAll(async () => {
    db = await createTestDb('pglite');
    j = await createJitsudo({
      config: {
        home: '/nonexistent-jitsudo-home',
        log: { level: 'silent' },
        encryption: { key: 'a'.repeat(64) },
      },
      database: db,
      providers: [new MockProvider()],
      startSweeper: false,
    });
    const host = new Hono();
    host.get('/', (c) => c.text('host home'));
    host.route('/jitsudo', j.app);
    served = await serveApp(host);
  }, 120_000);
  afterAll(async () => {
    await served?.close();
    await j?.close();
    await db?.close();
  });

  it('no-store follows the API and /mcp to wherever they are mounted', async () => {
    const minted = await send(`${served.url}/jitsudo${P}/auth/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":"bob@example.com"}',
    });
    expect(minted.status).toBe(200);
    expectHeaders(minted, 'dev-token', true);
    const token = JSON.parse(minted.text).token as string;
    const list = await send(`${served.url}/jitsudo${P}/requests`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(list.status).toBe(200);
    expectHeaders(list, 'requests', true);
    const mcp = await send(`${served.url}/jitsudo/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...MCP_HEADERS },
      body: rpc('tools/list'),
    });
    expect(mcp.status).toBe(200);
    expectHeaders(mcp, 'mcp', true);
    const health = await send(`${served.url}/jitsudo/healthz`);
    expectHeaders(health, 'healthz', false);
  });
});
