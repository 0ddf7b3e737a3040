/**
 * /mcp caps what one principal may hold in flight (src/mcp/limits.ts) and refuses JSON-RPC batches.
 * The flood runs over a real socket with the SDK's client and real fetch, as an agent would send it;
 * /healthz is asked over another connection while the flood holds its slots.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { agentTokenResolver } from '../../src/core/agents/authenticate.js';
import { createAuthenticator } from '../../src/core/identity/index.js';
import { createApp } from '../../src/http/app.js';
import { httpVerbs } from '../../src/server/verbs.js';
import { type Stack, startStack } from '../helpers/app-stack.js';
import { testDatabases } from '../helpers/db.js';
import { callTool, connectMcp, errorOf, ok, postMcp, requestAccess } from '../helpers/mcp-client.js';
import { type Served, send, serveApp } from '../helpers/real-http.js';
import { AGENTS_OF_ALICE } from '../helpers/test-policies.js';

const CATALOG = [
  { provider: 'mock', role: 'deployer', scopes: ['dev'], description: 'deploy' },
  { provider: 'mock', role: 'ReadOnlyAccess', scopes: ['dev'], description: 'read' },
];
const LONG = { timeout: 150_000 };

describe.each(testDatabases())('MCP per-principal caps and batches on %s', (driver) => {
  let s: Stack;
  let served: Served;

  beforeAll(async () => {
    s = await startStack(driver, {
      config: { catalog: CATALOG },
      policies: [AGENTS_OF_ALICE],
      agentTokens: true,
      mcp: { wait: { pollMs: 100 }, limits: { maxConcurrentWaits: 4, maxConcurrentCalls: 64 } },
    });
    served = await serveApp(s.app);
  }, 120_000);
  afterAll(async () => {
    await served?.close();
    await s?.close();
  });

  /** The SDK client over the socket with the runtime's own fetch. */
  async function overHttp(token: string): Promise<Client> {
    const client = new Client({ name: 'flood', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${served.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    return client;
  }

  const codeOf = (r: CallToolResult) => (r.isError ? errorOf(r).code : 'OK');

  it('50 concurrent waits of one agent with a cap of 4: 4 admitted, 46 RATE_LIMITED at once; /healthz and other principals unaffected', async () => {
    const flooder = await s.agent('flooder', 'alice@example.com');
    const neighbour = await s.agent('neighbour', 'alice@example.com');
    const a = await overHttp(flooder.token);
    const b = await overHttp(neighbour.token);
    const pending = ok(await requestAccess(a, { role: 'deployer', reason: 'flood test' })).request;
    expect(pending.state).toBe('PENDING');

    const settled: CallToolResult[] = [];
    const waits = Array.from({ length: 50 }, () =>
      callTool(a, 'wait_for_request', { request_id: pending.id, timeout_seconds: 120 }, LONG).then((r) => {
        settled.push(r);
        return r;
      }),
    );
    // The refused answer at once; the admitted hold on while the request stays PENDING.
    await vi.waitFor(() => expect(settled.length).toBeGreaterThanOrEqual(46), {
      timeout: 60_000,
      interval: 50,
    });
    expect(settled.length).toBe(46);
    expect(settled.map(codeOf)).toEqual(Array(46).fill('RATE_LIMITED'));

    // Meanwhile: the server answers others promptly (bounded generously; no latency assertion).
    const health = await send(`${served.url}/healthz`, { timeoutMs: 10_000 });
    expect(health.status).toBe(200);
    // Another principal's wait is admitted; the flooder's own short calls still pass.
    const own = ok(await requestAccess(b, { role: 'deployer', reason: 'neighbour' })).request;
    const theirs = ok(await callTool(b, 'wait_for_request', { request_id: own.id, timeout_seconds: 1 }));
    expect(theirs).toMatchObject({ done: false, request: { state: 'PENDING' } });
    ok(await callTool(a, 'list_my_requests', {}));
    expect(settled.length).toBe(46);

    ok(await callTool(a, 'cancel_request', { request_id: pending.id }));
    const all = await Promise.all(waits);
    const admitted = all.filter((r) => !r.isError);
    expect(admitted).toHaveLength(4);
    for (const r of admitted)
      expect(r.structuredContent).toMatchObject({ done: true, request: { state: 'CANCELLED' } });
    const refused = all.filter((r) => r.isError);
    expect(refused).toHaveLength(46);
    for (const r of refused) {
      expect(errorOf(r)).toMatchObject({
        code: 'RATE_LIMITED',
        retryable: true,
        details: { limit: 'concurrent wait_for_request calls', maximum: 4, retry_after_seconds: 5 },
      });
      expect(r.content[0]).toMatchObject({ text: expect.stringMatching(/Retry in about 5 seconds/) });
    }
    // Every slot came back: four more waits are admitted at once.
    const again = await Promise.all(
      Array.from({ length: 4 }, () => callTool(a, 'wait_for_request', { request_id: pending.id })),
    );
    expect(again.map(codeOf)).toEqual(['OK', 'OK', 'OK', 'OK']);
    await Promise.all([a.close(), b.close()]);
  }, 180_000);

  it('the cap on tool calls in flight counts every tool, for people too, and frees as calls return', async () => {
    // A second app on the same core: its own counters, a calls cap below the waits cap.
    const app = createApp({
      verbs: httpVerbs(s.core),
      authenticator: createAuthenticator({
        config: s.config,
        keys: s.keys,
        agents: agentTokenResolver(s.core.deps),
      }),
      mcp: { wait: { pollMs: 100 }, limits: { maxConcurrentWaits: 8, maxConcurrentCalls: 2 } },
    });
    const bob = await connectMcp(app, await s.humanToken('bob@example.com'));
    const other = await connectMcp(app, (await s.agent('other', 'alice@example.com')).token);
    const req = ok(await requestAccess(bob, { role: 'ReadOnlyAccess', reason: 'read logs' })).request;
    expect(req.state).toBe('PENDING');

    const settled: CallToolResult[] = [];
    const waits = Array.from({ length: 3 }, () =>
      callTool(bob, 'wait_for_request', { request_id: req.id, timeout_seconds: 120 }, LONG).then((r) => {
        settled.push(r);
        return r;
      }),
    );
    await vi.waitFor(() => expect(settled.length).toBeGreaterThanOrEqual(1), {
      timeout: 60_000,
      interval: 50,
    });
    expect(settled.length).toBe(1);
    expect(errorOf(settled[0]!)).toMatchObject({
      code: 'RATE_LIMITED',
      details: { limit: 'concurrent tool calls', maximum: 2, retry_after_seconds: 1 },
    });
    // Any tool counts while two calls hold the slots; another principal is not affected.
    expect(errorOf(await callTool(bob, 'list_my_requests', {})).code).toBe('RATE_LIMITED');
    ok(await callTool(other, 'list_my_requests', {}));

    await s.core.cancelRequest(
      { identity: 'bob@example.com', kind: 'human', groups: [], scopes: ['requester'], isAdmin: false },
      { id: req.id },
    );
    const all = await Promise.all(waits);
    expect(all.filter((r) => !r.isError)).toHaveLength(2);
    ok(await callTool(bob, 'list_my_requests', {}));
    await Promise.all([bob.close(), other.close()]);
  }, 180_000);

  it('a JSON-RPC batch is a 400 Invalid Request and none of its calls runs', async () => {
    const { token } = await s.agent('batcher', 'alice@example.com');
    const auth = { authorization: `Bearer ${token}` };
    const call = (id: number) => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: {
        name: 'request_access',
        arguments: { provider: 'mock', scope: 'dev', role: 'deployer', reason: 'batched' },
      },
    });
    const count = async () => (await s.rows('select count(*)::int as n from requests')).at(0)?.n;
    const before = await count();
    for (const body of [[call(1), call(2)], [call(3)], []]) {
      const res = await postMcp(s.app, auth, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        jsonrpc: '2.0',
        error: { code: -32600, message: expect.stringMatching(/batch/) },
        id: null,
      });
    }
    expect(await count()).toBe(before);
    // The same call alone is answered.
    const single = await postMcp(s.app, auth, call(4));
    expect(single.status).toBe(200);
    expect(await count()).toBe(Number(before) + 1);
  });
});
