/**
 * Every response — API successes and errors, health, guard refusals, /mcp (whose transport builds
 * its own Response) and unknown paths — carries X-Request-Id: the caller's when it is well-formed,
 * a fresh one otherwise; and the JSON log line of that request carries the same id.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/app-stack.js';

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
});

describe('request ids', () => {
  let s: Stack;
  let bob: string;
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const logOf = (id: string) => lines.filter((l) => l.requestId === id && l.msg === 'request');

  beforeAll(async () => {
    s = await startStack('pglite', { log, agentTokens: true });
    bob = await s.humanToken('bob@example.com');
  }, 120_000);
  afterAll(() => s?.close());

  const cases: [string, string, RequestInit, number][] = [
    ['health', '/healthz', {}, 200],
    ['unknown path', '/no-such-page', {}, 404],
    ['API without a token', '/api/v1alpha1/requests', {}, 401],
    [
      'API bad input',
      '/api/v1alpha1/requests',
      { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } },
      400,
    ],
    ['/mcp without a token', '/mcp', { method: 'POST', body: initialize, headers: MCP_HEADERS }, 401],
  ];

  it.each(cases)('%s: echoes a well-formed inbound id and logs it', async (_, path, init, status) => {
    const id = `caller-${Math.random().toString(36).slice(2)}`;
    const headers: Record<string, string> = {
      ...(init.headers as Record<string, string>),
      'x-request-id': id,
    };
    if (path.startsWith('/api') && status === 400) headers.authorization = `Bearer ${bob}`;
    const r = await s.app.request(path, { ...init, headers });
    expect(r.status).toBe(status);
    expect(r.headers.get('x-request-id')).toBe(id);
    if (status >= 400 && r.headers.get('content-type')?.includes('json') && path !== '/mcp')
      expect(((await r.json()) as { error: { requestId: string } }).error.requestId).toBe(id);
    expect(logOf(id)).toHaveLength(1);
    expect(logOf(id)[0]).toMatchObject({ status });
  });

  it('/mcp success carries the id (the transport builds its own Response)', async () => {
    const id = 'mcp-call-1234';
    const r = await s.app.request('/mcp', {
      method: 'POST',
      body: initialize,
      headers: { ...MCP_HEADERS, authorization: `Bearer ${bob}`, 'x-request-id': id },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-request-id')).toBe(id);
    expect(logOf(id)).toHaveLength(1);
  });

  it.each([
    ['too long', 'x'.repeat(65)],
    ['forbidden characters', 'a b<script>'],
    ['empty', ''],
  ])('a malformed inbound id (%s) is replaced by a fresh one', async (_, bad) => {
    const r = await s.app.request('/mcp', {
      method: 'POST',
      body: initialize,
      headers: { ...MCP_HEADERS, authorization: `Bearer ${bob}`, 'x-request-id': bad },
    });
    const id = r.headers.get('x-request-id')!;
    expect(id).toMatch(/^rq_[0-9A-Z]{26}$/);
    expect(id).not.toBe(bad);
    expect(logOf(id)).toHaveLength(1);
  });

  it('two requests without an id get different ones', async () => {
    const a = (await s.app.request('/healthz')).headers.get('x-request-id');
    const b = (await s.app.request('/healthz')).headers.get('x-request-id');
    expect(a).toMatch(/^rq_/);
    expect(b).toMatch(/^rq_/);
    expect(a).not.toBe(b);
  });
});
