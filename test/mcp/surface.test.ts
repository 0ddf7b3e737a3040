/**
 * The endpoint itself and the rules every surface shares: 401 with WWW-Authenticate, stateless
 * methods, per-agent limits (MCP and HTTP agree), and credential disclosure (off unless config and
 * policy both allow it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.js';
import { connectMcp, errorOf, ok, postMcp, textOf } from '../helpers/mcp-client.js';
import { SECRET_PATTERN } from '../helpers/mock-secrets.js';
import { type McpHarness, startMcpHarness } from './support/harness.js';

describe.each(testDatabases())('MCP endpoint, limits and disclosure on %s', (driver) => {
  let h: McpHarness;
  beforeAll(async () => {
    h = await startMcpHarness(driver, {
      config: {
        agents: { limits: { max_open_requests: 2, max_requests_per_hour: 4, max_active_grants: 1 } },
        mcp: { get_credentials_providers: ['mock'] },
      },
    });
  });
  afterAll(() => h?.close());

  it('401 with WWW-Authenticate for a missing, malformed, invalid or revoked token', async () => {
    const { token } = await h.agent('gone', 'alice@example.com');
    await h.core.revokeAgent(
      { identity: 'alice@example.com', kind: 'human', groups: [], scopes: ['requester'], isAdmin: false },
      { id: 'gone' },
    );
    for (const [headers, why] of [
      [{}, /missing bearer token/],
      [{ authorization: 'Basic Ym9iOnB3' }, /Bearer scheme/],
      [{ authorization: 'Bearer not-a-token' }, /invalid token/],
      [{ authorization: `Bearer jit_agt_${'A'.repeat(43)}` }, /invalid agent token/],
      [{ authorization: `Bearer ${token}` }, /revoked/],
    ] as const) {
      const res = await postMcp(h.app, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="jitsudo"/);
      expect(((await res.json()) as any).error.message).toMatch(why);
    }
    // The SDK client sees the 401 too.
    await expect(connectMcp(h.app, 'nope')).rejects.toMatchObject({
      code: 401,
      message: expect.stringMatching(/UNAUTHENTICATED/),
    });
  });

  it('stateless: GET and DELETE are 405; no session id is handed out', async () => {
    const token = await h.human('bob@example.com');
    for (const method of ['GET', 'DELETE']) {
      const res = await h.app.request('http://localhost/mcp', {
        method,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
    const init = await postMcp(
      h.app,
      { authorization: `Bearer ${token}` },
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      },
    );
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    const body = (await init.json()) as any;
    expect(body.result.serverInfo.name).toBe('jitsudo');
    expect(body.result.instructions).toMatch(/list_eligible_access/);
  });

  it('per-agent limits: open requests, active grants and requests per hour, the same over MCP and HTTP', async () => {
    const { token } = await h.agent('busy', 'alice@example.com');
    await h.setTier('agent:busy', 3);
    const c = await h.client(token);
    const ask = (role = 'deployer') => h.ask(c, { role, reason: 'work' });
    const a = ok(await ask()).request.id;
    const b = ok(await ask()).request.id;
    const before = await h.counts();
    const open = await ask();
    expect(errorOf(open)).toMatchObject({
      code: 'RATE_LIMITED',
      details: { limit: 'open requests', current: 2, maximum: 2 },
    });
    expect(textOf(open)).toMatch(
      /Retry when one of your requests has ended.*cancel_request.*Limit: open requests/s,
    );
    // HTTP, same token, same rule.
    const http = await h.app.request('http://localhost/api/v1alpha1/requests', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'mock', role: 'deployer', resource_scope: 'dev', reason: 'work' }),
    });
    expect(http.status).toBe(429);
    expect(((await http.json()) as any).error).toMatchObject({
      code: 'RATE_LIMITED',
      details: { limit: 'open requests' },
    });
    expect(await h.counts()).toEqual(before);

    ok(await h.call(c, 'cancel_request', { request_id: a }));
    ok(await h.call(c, 'cancel_request', { request_id: b }));
    const active = ok(await ask('ReadOnlyAccess')).request;
    expect(active.state).toBe('ACTIVE');
    const grants = errorOf(await ask('ReadOnlyAccess'));
    expect(grants).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 'active grants', maximum: 1 } });
    // It frees up when the grant expires (1 h), or at once when released.
    expect(grants.details.retry_after_seconds).toBeGreaterThan(3500);
    expect(grants.details.retry_after_seconds).toBeLessThanOrEqual(3600);
    ok(await h.call(c, 'release_access', { request_id: active.id }));
    const fourth = ok(await ask('ReadOnlyAccess')).request;
    ok(await h.call(c, 'release_access', { request_id: fourth.id }));
    const hourly = errorOf(await ask('ReadOnlyAccess'));
    expect(hourly).toMatchObject({
      code: 'RATE_LIMITED',
      details: { limit: 'requests in the last hour', current: 4 },
    });
    expect(hourly.details.retry_after_seconds).toBeGreaterThan(3500);
    // People are governed by policy alone.
    const bob = await h.client(await h.human('bob@example.com'));
    for (let i = 0; i < 3; i++) ok(await h.ask(bob, { role: 'ReadOnlyAccess', reason: `r${i}` }));
  });

  it('get_credentials discloses only where config and policy both allow it, and audits the retrieval', async () => {
    const { token } = await h.agent('reader', 'alice@example.com');
    await h.setTier('agent:reader', 3);
    const c = await h.client(token);
    const raw = await h.client(token, { record: false }); // the positive control must not trip the leak check
    const ask = async (provider: string, scope: string) =>
      ok(await h.call(c, 'request_access', { provider, role: 'ReadOnlyAccess', scope, reason: 'read' }))
        .request.id;

    const allowed = await ask('mock', 'disclose-ok');
    const shown = await h.call(raw, 'get_credentials', { request_id: allowed });
    expect(shown.structuredContent).toMatchObject({
      disclosed: true,
      credentials: { MOCK_ACCESS_KEY: `mock-access-key-${allowed}` },
    });
    expect(SECRET_PATTERN.test(textOf(shown))).toBe(true); // the detector used below does see secrets
    const audit = await h.audit(`request_id = '${allowed}' and action = 'credentials.retrieved'`);
    expect(audit).toMatchObject([{ actor: 'agent:reader', on_behalf_of: 'alice@example.com' }]);
    expect(JSON.stringify(audit)).not.toMatch(SECRET_PATTERN);
    ok(await h.call(c, 'release_access', { request_id: allowed }));

    // Policy says no for this scope.
    const byPolicy = await ask('mock', 'dev');
    const p = await h.call(c, 'get_credentials', { request_id: byPolicy });
    expect(p.isError).toBeFalsy();
    expect(p.structuredContent).toMatchObject({ disclosed: false });
    expect(textOf(p)).toMatch(/allow_credential_disclosure.*exec_with_access/s);
    ok(await h.call(c, 'release_access', { request_id: byPolicy }));

    // Config says no for this provider, whatever policy says.
    const byConfig = await ask('mock-b', 'disclose-ok');
    const q = await h.call(c, 'get_credentials', { request_id: byConfig });
    expect(q.structuredContent).toMatchObject({ disclosed: false });
    expect(textOf(q)).toMatch(/mcp\.get_credentials_providers/);
    ok(await h.call(c, 'release_access', { request_id: byConfig }));
    expect(
      await h.audit(`request_id in ('${byPolicy}', '${byConfig}') and action = 'credentials.retrieved'`),
    ).toEqual([]);

    // The HTTP endpoint still serves the requester's own credentials: that is how `jitsudo exec`
    // and exec_with_access put them into a child's environment, outside any model context.
    const grant = await h.app.request(`http://localhost/api/v1alpha1/requests/${byPolicy}/credentials`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(grant.status).toBe(409); // released above: nothing to hand out any more
  });

  it('a person’s MCP token gets the same gate: the MCP channel never discloses unless policy allows', async () => {
    await h.setTier('carol@example.com', 3);
    const c = await h.client(await h.human('carol@example.com'));
    const id = ok(await h.ask(c, { role: 'ReadOnlyAccess', reason: 'r' })).request.id;
    expect((await h.call(c, 'get_credentials', { request_id: id })).structuredContent).toMatchObject({
      disclosed: false,
    });
    ok(await h.call(c, 'release_access', { request_id: id }));
  });

  it('HTTP GET /eligible-access answers what list_eligible_access answers', async () => {
    const { token } = await h.agent('lister', 'alice@example.com');
    const viaMcp = ok(await h.call(await h.client(token), 'list_eligible_access', {}));
    const res = await h.app.request('http://localhost/api/v1alpha1/eligible-access', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(viaMcp);
    expect(viaMcp.entries.length).toBeGreaterThan(0);
  });

  it('no tool result in this file contains a credential or token', async () => {
    const bodies = await h.bodies();
    expect(bodies.length).toBeGreaterThan(20);
    expect(bodies.filter((b) => SECRET_PATTERN.test(b))).toEqual([]);
  });
});
