/**
 * Authorization attacks: admin-only verbs, other people's requests and credentials, separation of
 * duties (no self-approval in any disguise), tiers and token scopes across both surfaces, revoked
 * agent tokens, forged bearer tokens, the dev-token endpoint's fences, and break-glass.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { createAuthenticator, mintDevToken } from '../../src/core/identity/index.js';
import { createApp } from '../../src/http/app.js';
import { startServer } from '../../src/server/start-server.js';
import { httpVerbs } from '../../src/server/verbs.js';
import { errorOf, fullTextOf, ok, postMcp } from '../helpers/mcp-client.js';
import { API, createBody, type SecHarness, startSecHarness } from './support.js';

/** alg=none JWT with the claims a real dev token carries. */
function unsignedToken(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

type Req = { id: string; state: string; approver_tier: string };

describe('authorization attacks', () => {
  let h: SecHarness;
  let alice: string; // sre
  let bob: string;
  let rita: string;
  let admin: string;
  let coder: { token: string; id: string }; // alice's requester agent
  let both: { token: string; id: string }; // alice's agent with requester + ai-reviewer
  let aliceRev: { token: string; id: string }; // alice's ai-reviewer agent
  let rev: { token: string; id: string }; // rita's ai-reviewer agent
  let coderMcp: Client;
  let bothMcp: Client;
  let aliceRevMcp: Client;
  let revMcp: Client;
  let bobMcp: Client;

  const post = (path: string, token: string, body: unknown = {}) =>
    h.call('POST', `${API}${path}`, { token, body });
  const newRequest = async (token: string, o: Record<string, unknown> = {}) => {
    const r = await post('/requests', token, createBody({ role: 'deployer', ...o }));
    expect(r.status, r.text).toBe(201);
    return r.body.request as Req;
  };
  const agentRequest = async (c: Client, scope = 'dev') =>
    ok(await h.ask(c, { role: 'deployer', scope, reason: 'deploy' })).request as Req;
  const stateOf = async (id: string) =>
    (await h.sql(`select state from requests where id = '${id}'`))[0]?.state;

  beforeAll(async () => {
    h = await startSecHarness({
      config: {
        agents: { limits: { max_open_requests: 50, max_requests_per_hour: 200, max_active_grants: 50 } },
      },
    });
    alice = await h.human('alice@example.com', ['sre']);
    bob = await h.human('bob@example.com', ['sre-leads']);
    rita = await h.human('rita@example.com', ['sre-leads']);
    admin = await h.human('root@example.com', ['jitsudo-admins']);
    coder = await h.agent('coder', 'alice@example.com');
    both = await h.agent('both', 'alice@example.com', ['requester', 'ai-reviewer']);
    aliceRev = await h.agent('alice-rev', 'alice@example.com', ['ai-reviewer']);
    rev = await h.agent('rev', 'rita@example.com', ['ai-reviewer']);
    [coderMcp, bothMcp, aliceRevMcp, revMcp, bobMcp] = await Promise.all([
      h.mcp(coder.token),
      h.mcp(both.token),
      h.mcp(aliceRev.token),
      h.mcp(rev.token),
      h.mcp(bob),
    ]);
    // A route that sends one human role to the AI reviewer, to test reviewers against owners.
    const applied = await post('/policies', admin, {
      name: 'test-ai-route',
      rego: `package jitsudo.approval
route contains "ai_review" if input.request.role == "ai-ok"
cap contains "ai_review" if input.request.role == "ai-ok"`,
    });
    expect(applied.status, applied.text).toBe(200);
    const elig = await post('/policies', admin, {
      name: 'test-ai-eligibility',
      rego: `package jitsudo.eligibility
grant contains "ai-ok for anyone" if input.request.role == "ai-ok"`,
    });
    expect(elig.status, elig.text).toBe(200);
  });
  afterAll(() => h?.close());

  describe('admin-only verbs', () => {
    it('a non-admin cannot apply, delete or reload policies, nor evaluate unsaved ones; nothing changes', async () => {
      const before = await h.counts();
      const revisions = await h.sql('select count(*)::int as n from policy_revisions');
      const allowAll = {
        name: 'allow-all',
        rego: 'package jitsudo.eligibility\ngrant contains "pwned" if true',
      };
      // An agent-kind token claiming the admin group is still no admin.
      const kindAgentAdmin = (
        await mintDevToken(h.keys, {
          email: 'mallory@example.com',
          groups: ['jitsudo-admins'],
          kind: 'agent',
          ttl: 600,
        })
      ).token;
      const ids = (
        await h.sql("select id from policies where name in ('test-ai-route', 'eligibility.break-glass')")
      ).map((r) => String(r.id));
      expect(ids).toHaveLength(2);
      for (const token of [bob, alice, coder.token, rev.token, kindAgentAdmin]) {
        const attempts = [
          await post('/policies', token, allowAll),
          await post('/policies', token, { ...allowAll, name: 'eligibility.base' }),
          await h.call('DELETE', `${API}/policies/${ids[0]}`, { token }),
          await h.call('DELETE', `${API}/policies/${ids[1]}`, { token }),
          await post('/admin/reload-policies', token),
          await post('/policies:eval', token, {
            input: { user: { email: 'x@example.com' } },
            candidate: allowAll,
          }),
        ];
        for (const r of attempts) expect(r.status, `${r.text}`).toBe(403);
      }
      expect(await h.counts()).toEqual(before);
      expect(await h.sql('select count(*)::int as n from policy_revisions')).toEqual(revisions);
      // Still not eligible for anything the policy did not grant.
      const r = await post('/requests', bob, createBody({ role: 'admin' }));
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('POLICY_DENIED');
    });

    it('the admin can (the refusals above are about the caller, not a broken route)', async () => {
      const reloaded = await post('/admin/reload-policies', admin);
      expect(reloaded.status, reloaded.text).toBe(200);
      const evalOk = await post('/policies:eval', admin, {
        input: { user: { email: 'x@example.com', groups: [] }, request: { role: 'admin' } },
        candidate: { name: 'c', rego: 'package jitsudo.eligibility\ngrant contains "c" if true' },
      });
      expect(evalOk.status, evalOk.text).toBe(200);
      expect(evalOk.body.allow).toBe(true);
    });

    it('nobody but an admin sets trust tiers, and no admin sets their own (nor by a case variant)', async () => {
      const before = await h.counts();
      for (const [token, who] of [
        [bob, 'bob@example.com'],
        [bob, 'alice@example.com'],
        [alice, 'alice@example.com'],
        [coder.token, 'agent:coder'],
        [coder.token, 'alice@example.com'],
      ] as const) {
        const r = await h.call('PUT', `${API}/principals/${encodeURIComponent(who)}/trust-tier`, {
          token,
          body: { trust_tier: 4 },
        });
        expect(r.status, r.text).toBe(403);
      }
      const self = await h.call('PUT', `${API}/principals/root@example.com/trust-tier`, {
        token: admin,
        body: { trust_tier: 4 },
      });
      expect(self.status).toBe(403);
      expect(await h.counts()).toEqual(before);
      // A case variant writes someone else's row, never the caller's effective tier.
      await h.call('PUT', `${API}/principals/ROOT@example.com/trust-tier`, {
        token: admin,
        body: { trust_tier: 4 },
      });
      const bg = await post('/requests', admin, createBody({ role: 'admin', break_glass: true }));
      expect(bg.status, bg.text).toBe(403);
      expect(bg.body.error.code).toBe('POLICY_DENIED');
    });

    it('a non-admin reads neither another principal nor the whole audit log', async () => {
      expect((await h.call('GET', `${API}/principals/alice@example.com`, { token: bob })).status).toBe(403);
      expect((await post('/audit:verify', bob)).status).toBe(403);
      expect((await h.call('GET', `${API}/audit:export`, { token: bob })).status).toBe(403);
      expect((await h.call('GET', `${API}/audit:export`, { token: rev.token })).status).toBe(403);
      const list = await h.call('GET', `${API}/requests?requester=alice@example.com`, { token: bob });
      expect(list.status).toBe(403);
    });
  });

  describe("other people's requests", () => {
    it('a user cannot read, cancel, revoke or read credentials of another’s request (HTTP and MCP)', async () => {
      const pending = await newRequest(alice);
      const active = await newRequest(alice);
      expect((await post(`/requests/${active.id}/approve`, rita, { comment: 'ok' })).body.request.state).toBe(
        'ACTIVE',
      );
      const before = await h.counts();
      for (const token of [bob, coder.token, rev.token]) {
        expect((await h.call('GET', `${API}/requests/${active.id}`, { token })).status).toBe(404);
        expect((await post(`/requests/${pending.id}/cancel`, token)).status).toBeOneOf([403, 404]);
        expect((await post(`/requests/${active.id}/revoke`, token)).status).toBeOneOf([403, 404]);
        const creds = await h.call('GET', `${API}/requests/${active.id}/credentials`, { token });
        expect(creds.status).toBeOneOf([403, 404]);
      }
      const listed = await h.call('GET', `${API}/requests?page_size=500`, { token: bob });
      expect(listed.body.requests.map((r: { id: string }) => r.id)).not.toContain(active.id);
      for (const [tool, args] of [
        ['get_request', { request_id: active.id }],
        ['release_access', { request_id: active.id }],
        ['cancel_request', { request_id: pending.id }],
        ['get_credentials', { request_id: active.id }],
        ['wait_for_request', { request_id: active.id, timeout_seconds: 1 }],
      ] as const) {
        for (const c of [bobMcp, coderMcp]) {
          const r = await h.tool(c, tool, args);
          expect(r.isError, `${tool}: ${fullTextOf(r)}`).toBe(true);
          expect(errorOf(r).code).toBeOneOf(['NOT_FOUND', 'FORBIDDEN']);
        }
      }
      expect(await h.counts()).toEqual(before);
      expect(await stateOf(pending.id)).toBe('PENDING');
      expect(await stateOf(active.id)).toBe('ACTIVE');
    });

    it('a non-admin audit query shows only their own events, whatever the filter says', async () => {
      const mine = await h.sql("select id from requests where requester_identity = 'bob@example.com'");
      const ids = new Set(mine.map((r) => r.id));
      for (const q of ['', '?actor=alice@example.com', '?action=credentials.retrieved', '?page_size=1000']) {
        const r = await h.call('GET', `${API}/audit${q}`, { token: bob });
        expect(r.status).toBe(200);
        for (const e of r.body.events)
          expect(
            e.actor === 'bob@example.com' || e.on_behalf_of === 'bob@example.com' || ids.has(e.request_id),
            JSON.stringify(e),
          ).toBe(true);
      }
      const all = await h.call('GET', `${API}/audit?page_size=1000&actor=alice@example.com`, {
        token: admin,
      });
      expect(all.body.events.length).toBeGreaterThan(0);
    });
  });

  describe('separation of duties', () => {
    it('nobody approves or denies their own request: human, case variant, or the agent itself', async () => {
      const own = await newRequest(alice);
      const upper = await h.human('ALICE@EXAMPLE.COM', ['sre']);
      for (const token of [alice, upper]) {
        expect((await post(`/requests/${own.id}/approve`, token)).status).toBe(403);
        expect((await post(`/requests/${own.id}/deny`, token, { reason: 'self' })).status).toBe(403);
      }
      const agentOwn = await agentRequest(bothMcp);
      expect(agentOwn.approver_tier).toBe('ai_review');
      const r = await h.tool(bothMcp, 'approve_request', { request_id: agentOwn.id, reasoning: 'mine' });
      expect(errorOf(r).code).toBe('FORBIDDEN');
      expect((await post(`/requests/${agentOwn.id}/approve`, both.token, { comment: 'x' })).status).toBe(403);
      expect(await stateOf(own.id)).toBe('PENDING');
      expect(await stateOf(agentOwn.id)).toBe('PENDING');
    });

    it("a human never approves their own agent's request; an agent never its owner's or a sibling's", async () => {
      const byAgent = await agentRequest(coderMcp);
      // The owner, over HTTP.
      expect((await post(`/requests/${byAgent.id}/approve`, alice, { comment: 'my bot' })).status).toBe(403);
      expect((await post(`/requests/${byAgent.id}/deny`, alice, { reason: 'x' })).status).toBe(403);
      // A reviewer agent of the same owner, over MCP and over HTTP.
      const sib = await h.tool(aliceRevMcp, 'approve_request', { request_id: byAgent.id, reasoning: 'sib' });
      expect(errorOf(sib).code).toBeOneOf(['FORBIDDEN', 'NOT_FOUND']);
      const sibHttp = await post(`/requests/${byAgent.id}/approve`, aliceRev.token, { comment: 'sib' });
      expect(sibHttp.status).toBeOneOf([403, 404]);
      // A reviewer agent whose owner is the (human) requester.
      const ritaOwn = await newRequest(rita, { role: 'ai-ok' });
      expect(ritaOwn.approver_tier).toBe('ai_review');
      const ownersReq = await h.tool(revMcp, 'approve_request', {
        request_id: ritaOwn.id,
        reasoning: 'boss',
      });
      expect(errorOf(ownersReq).code).toBeOneOf(['FORBIDDEN', 'NOT_FOUND']);
      expect(
        (await post(`/requests/${ritaOwn.id}/approve`, rev.token, { comment: 'boss' })).status,
      ).toBeOneOf([403, 404]);
      // It is the relationship that is refused: an unrelated reviewer may approve the same request.
      expect(await stateOf(byAgent.id)).toBe('PENDING');
      const approved = ok(
        await h.tool(revMcp, 'approve_request', { request_id: byAgent.id, reasoning: 'fine' }),
      );
      expect(approved.request.state).toBe('ACTIVE');
      expect(await stateOf(ritaOwn.id)).toBe('PENDING');
    });

    it('an AI reviewer cannot approve a human-tier request, on either surface, nor after escalation', async () => {
      const human = await newRequest(alice);
      expect(human.approver_tier).toBe('human');
      const viaMcp = await h.tool(revMcp, 'approve_request', { request_id: human.id, reasoning: 'ok' });
      expect(errorOf(viaMcp).code).toBeOneOf(['FORBIDDEN', 'NOT_FOUND']);
      const viaHttp = await post(`/requests/${human.id}/approve`, rev.token, { comment: 'ok' });
      expect(viaHttp.status).toBeOneOf([403, 404]);
      const denyHttp = await post(`/requests/${human.id}/deny`, rev.token, { reason: 'no' });
      expect(denyHttp.status).toBeOneOf([403, 404]);
      const escalated = await agentRequest(coderMcp);
      ok(await h.tool(revMcp, 'escalate_to_human', { request_id: escalated.id, reasoning: 'unsure' }));
      const after = await h.tool(revMcp, 'approve_request', { request_id: escalated.id, reasoning: 'ok' });
      expect(after.isError).toBe(true);
      expect(await stateOf(human.id)).toBe('PENDING');
      expect(await stateOf(escalated.id)).toBe('PENDING');
    });

    it('token scopes hold on both surfaces: requester tokens cannot decide, reviewer tokens cannot request', async () => {
      const target = await agentRequest(bothMcp);
      // requester-only agent: not listed, not callable, not via HTTP either.
      const tools = (await coderMcp.listTools()).tools.map((t) => t.name);
      expect(tools).not.toContain('approve_request');
      for (const tool of ['approve_request', 'deny_request', 'escalate_to_human', 'get_request_details']) {
        const r = await h.tool(coderMcp, tool, { request_id: target.id, reasoning: 'x' });
        expect(r.isError, tool).toBe(true);
      }
      expect((await post(`/requests/${target.id}/approve`, coder.token, { comment: 'x' })).status).toBeOneOf([
        403, 404,
      ]);
      // reviewer-only agent: no requester tools, and POST /requests refused.
      const revTools = (await revMcp.listTools()).tools.map((t) => t.name);
      expect(revTools).not.toContain('request_access');
      const rq = await h.ask(revMcp, { role: 'ReadOnlyAccess', reason: 'x' });
      expect(rq.isError).toBe(true);
      const before = await h.counts();
      expect((await post('/requests', rev.token, createBody())).status).toBe(403);
      expect(await h.counts()).toEqual(before);
      // A person's token on /mcp never gets the reviewer surface, admins included.
      const adminMcp = await h.mcp(admin);
      const r = await h.tool(adminMcp, 'approve_request', { request_id: target.id, reasoning: 'x' });
      expect(r.isError).toBe(true);
      expect(await stateOf(target.id)).toBe('PENDING');
    });
  });

  describe('agent tokens', () => {
    it('a revoked agent token stops working at once on HTTP and MCP; only its owner or an admin revokes', async () => {
      const temp = await h.agent('temp', 'bob@example.com');
      const tempMcp = await h.mcp(temp.token);
      expect((await h.call('GET', `${API}/auth/whoami`, { token: temp.token })).status).toBe(200);
      // Not alice's agent: looks missing to her.
      expect((await post(`/agents/${temp.id}/revoke`, alice)).status).toBe(404);
      // Agents never manage agents.
      expect((await post(`/agents/${temp.id}/revoke`, temp.token)).status).toBe(403);
      expect((await post('/agents', coder.token, { name: 'spawn' })).status).toBe(403);
      expect((await h.call('GET', `${API}/auth/whoami`, { token: temp.token })).status).toBe(200);
      expect((await post(`/agents/${temp.id}/revoke`, bob, { reason: 'rotate' })).status).toBe(200);
      const http = await h.call('GET', `${API}/auth/whoami`, { token: temp.token });
      expect(http.status).toBe(401);
      expect(http.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const mcp = await postMcp(h.app, { authorization: `Bearer ${temp.token}` });
      expect(mcp.status).toBe(401);
      expect(mcp.headers.get('www-authenticate')).toMatch(/^Bearer/);
      await expect(tempMcp.listTools()).rejects.toThrow();
    });

    it('people create agents only for themselves and never with the ai-reviewer right', async () => {
      const before = await h.counts();
      expect((await post('/agents', alice, { name: 'evil-rev', scopes: ['ai-reviewer'] })).status).toBe(403);
      expect((await post('/agents', alice, { name: 'bobs', owner: 'bob@example.com' })).status).toBe(403);
      expect((await post('/agents', alice, { name: 'x', scopes: ['requester', 'admin'] })).status).toBeOneOf([
        400, 403,
      ]);
      expect(await h.counts()).toEqual(before);
    });
  });

  describe('bearer tokens', () => {
    const claims = {
      email: 'root@example.com',
      groups: ['jitsudo-admins'],
      kind: 'human',
      sub: 'root@example.com',
      iss: 'jitsudo-dev',
      aud: 'jitsudo',
    };
    const sign = (c: Record<string, unknown>, key: Uint8Array, exp: number, alg = 'HS256') =>
      new SignJWT(c).setProtectedHeader({ alg, typ: 'JWT' }).setIssuedAt().setExpirationTime(exp).sign(key);

    it('expired, forged, alg=none, wrong-key, wrong-issuer/audience and mismatched tokens are 401 + WWW-Authenticate', async () => {
      const now = Math.floor(Date.now() / 1000);
      const key = h.keys.tokenKey;
      const { iss: _iss, aud: _aud, ...noIssAud } = claims;
      const bad: Record<string, string> = {
        expired: await sign(claims, key, now - 10),
        wrongKey: await sign(claims, randomBytes(32), now + 600),
        algNone: unsignedToken({ ...claims, exp: now + 600 }),
        hs512: await sign(claims, key, now + 600, 'HS512'),
        wrongIssuer: await sign({ ...claims, iss: 'evil' }, key, now + 600),
        wrongAudience: await sign({ ...claims, aud: 'other' }, key, now + 600),
        noIssAud: await sign(noIssAud, key, now + 600),
        subMismatch: await sign({ ...claims, sub: 'alice@example.com' }, key, now + 600),
        noExp: await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key),
        tampered: (() => {
          const [hd, , sig] = bob.split('.');
          const body = Buffer.from(JSON.stringify({ ...claims, exp: now + 600 })).toString('base64url');
          return `${hd}.${body}.${sig}`;
        })(),
        agentShaped: `jit_agt_${randomBytes(32).toString('base64url')}`,
        junk: 'not-a-token',
        huge: 'a'.repeat(10_000),
      };
      for (const [name, token] of Object.entries(bad)) {
        for (const path of [`${API}/auth/whoami`, `${API}/requests`]) {
          const r = await h.call('GET', path, { token });
          expect(r.status, `${name} ${path}: ${r.text}`).toBe(401);
          expect(r.headers.get('www-authenticate'), name).toMatch(/^Bearer/);
          expect(r.text).not.toContain(token.slice(-20));
        }
        const m = await postMcp(h.app, { authorization: `Bearer ${token}` });
        expect(m.status, name).toBe(401);
        expect(m.headers.get('www-authenticate'), name).toMatch(/^Bearer/);
      }
      // Malformed Authorization headers.
      for (const header of ['Basic YWxpY2U6eA==', 'Bearer', `Bearer ${bob} ${bob}`, `Token ${bob}`]) {
        const r = await h.app.request(`${API}/auth/whoami`, { headers: { authorization: header } });
        expect(r.status, header).toBe(401);
        expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    });

    it('claims the server does not grant are ignored: kind=agent is never admin, extra claims give no scope', async () => {
      const now = Math.floor(Date.now() / 1000);
      const agentAdmin = await sign({ ...claims, kind: 'agent' }, h.keys.tokenKey, now + 600);
      const who = await h.call('GET', `${API}/auth/whoami`, { token: agentAdmin });
      expect(who.status).toBe(200);
      expect(who.body).toMatchObject({ is_admin: false, scopes: ['requester'] });
      const extra = await sign(
        {
          ...claims,
          email: 'eve@example.com',
          sub: 'eve@example.com',
          groups: [],
          scopes: ['ai-reviewer', 'admin'],
          isAdmin: true,
          is_admin: true,
        },
        h.keys.tokenKey,
        now + 600,
      );
      const eve = await h.call('GET', `${API}/auth/whoami`, { token: extra });
      expect(eve.status).toBe(200);
      expect(eve.body).toMatchObject({ identity: 'eve@example.com', is_admin: false, scopes: ['requester'] });
    });
  });

  describe('dev-token endpoint', () => {
    const mint = (host?: string) =>
      h.app.request(`${API}/auth/dev-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(host ? { host } : {}) },
        body: JSON.stringify({ email: 'root@example.com', groups: ['jitsudo-admins'] }),
      });

    it('answers only requests addressed to a loopback host', async () => {
      expect((await mint()).status).toBe(200);
      expect((await mint('127.0.0.1:8080')).status).toBe(200);
      expect((await mint('[::1]:8080')).status).toBe(200);
      for (const host of [
        'evil.example.com',
        'jitsudo.internal:8080',
        '10.0.0.5:8080',
        '0.0.0.0:8080',
        'localhost.evil.example.com',
        '127.0.0.1.nip.io',
        '[::ffff:10.0.0.5]:8080',
      ]) {
        const r = await mint(host);
        expect(r.status, host).toBe(403);
        expect(await r.text()).not.toMatch(/"token"/);
      }
    });

    it('jitsudod refuses to start in dev mode on a non-loopback address; without dev mode there is no endpoint', async () => {
      for (const addr of ['0.0.0.0:0', '192.168.1.10:8080', '[::]:8080']) {
        const config = parseConfig({ home: '/nonexistent-jitsudo-home', http: { addr } });
        await expect(startServer({ config }), addr).rejects.toMatchObject({ code: 'VALIDATION' });
      }
      const noDev = createApp({
        verbs: httpVerbs(h.core),
        authenticator: createAuthenticator({ config: h.core.deps.config, keys: h.keys }),
      });
      const r = await noDev.request(`${API}/auth/dev-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'root@example.com', groups: ['jitsudo-admins'] }),
      });
      expect(r.status).toBeOneOf([401, 404]);
      expect(await r.text()).not.toMatch(/"token"/);
    });
  });

  describe('break-glass', () => {
    it('a principal the policy does not allow cannot use break-glass, on either surface; tier 4 can', async () => {
      await h.setTier('agent:coder', 3);
      await h.setTier('bob@example.com', 3);
      const before = await h.counts();
      for (const token of [bob, alice, rita]) {
        const r = await post('/requests', token, createBody({ role: 'admin', break_glass: true }));
        expect(r.status, r.text).toBe(403);
        expect(r.body.error.code).toBe('POLICY_DENIED');
      }
      const viaMcp = await h.ask(coderMcp, { role: 'admin', reason: 'emergency', break_glass: true });
      expect(errorOf(viaMcp).code).toBe('POLICY_DENIED');
      // Smuggling the flag as a string or inside metadata does not count.
      const str = await post('/requests', bob, createBody({ role: 'admin', break_glass: 'true' }));
      expect(str.status).toBe(400);
      const meta = await post(
        '/requests',
        bob,
        createBody({ role: 'admin', metadata: { break_glass: 'true' } }),
      );
      expect(meta.status).toBe(403);
      const after = await h.counts();
      expect(after.requests).toBe(before.requests);
      expect(after.approvals).toBe(before.approvals);
      const denials = await h.sql(
        "select count(*)::int as n from audit_events where action = 'request.denied_by_policy'",
      );
      expect(Number(denials[0]!.n)).toBeGreaterThanOrEqual(4);
      expect(h.mock.grantCount).toBe(
        Number((await h.sql("select count(*)::int as n from requests where state = 'ACTIVE'"))[0]!.n),
      );
      // The positive control: tier 4 is allowed, and the use is audited as break-glass.
      await h.setTier('carol@example.com', 4);
      const carol = await h.human('carol@example.com');
      const glass = await post('/requests', carol, createBody({ role: 'admin', break_glass: true }));
      expect(glass.status, glass.text).toBe(201);
      expect(glass.body.request.state).toBe('ACTIVE');
      const used = await h.sql(
        `select count(*)::int as n from audit_events where action = 'break_glass.used' and request_id = '${glass.body.request.id}'`,
      );
      expect(Number(used[0]!.n)).toBe(1);
    });
  });
});
