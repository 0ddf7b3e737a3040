/**
 * Credential leakage. Grants are issued on the mock provider (auto-approved, human-approved, agent
 * auto-approved, AI-reviewer-approved); then every surface is exercised and searched for the
 * credential values. The only place they may appear is GET /requests/{id}/credentials answered to
 * the requester. Also: encrypted at rest, wiped after revoke and expiry.
 */

import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { expireDueGrants } from '../../src/core/requests/sweep-grants.js';
import { jitsudo } from '../e2e/support/processes.js';
import { errorOf, fullTextOf, ok } from '../helpers/mcp-client.js';
import { mockSecrets, SECRET_PATTERN } from '../helpers/mock-secrets.js';
import { API, createBody, type SecHarness, startSecHarness } from './support.js';

const CREDENTIALS_PATH = /^GET \/api\/v1alpha1\/requests\/(req_[0-9A-Z]{26})\/credentials$/;

describe('credential leakage', () => {
  let h: SecHarness;
  let alice: string; // sre, trust tier 3: read-only roles auto-approved
  let bob: string;
  let admin: string;
  let coder: { token: string; id: string }; // agent of alice, tier 3
  let rev: { token: string; id: string }; // ai-reviewer agent of rita
  let coderMcp: Client;
  let revMcp: Client;
  let aliceMcp: Client;
  /** Every request id whose grant was issued. */
  const granted: string[] = [];
  /** Requests the test revoked or expired (their blob must be gone). */
  const ended: string[] = [];
  let autoId = '';
  const allSecrets = () => granted.flatMap(mockSecrets);

  beforeAll(async () => {
    h = await startSecHarness({
      config: {
        mcp: { get_credentials_providers: ['mock'] },
        agents: { limits: { max_open_requests: 50, max_requests_per_hour: 100, max_active_grants: 50 } },
      },
    });
    alice = await h.human('alice@example.com', ['sre']);
    bob = await h.human('bob@example.com', ['sre-leads']);
    admin = await h.human('root@example.com', ['jitsudo-admins']);
    await h.setTier('alice@example.com', 3);
    coder = await h.agent('coder', 'alice@example.com');
    rev = await h.agent('rev', 'rita@example.com', ['ai-reviewer']);
    await h.setTier('agent:coder', 3);
    coderMcp = await h.mcp(coder.token);
    revMcp = await h.mcp(rev.token);
    aliceMcp = await h.mcp(alice);

    // 1. auto-approved over HTTP
    const auto = await h.call('POST', `${API}/requests`, { token: alice, body: createBody() });
    expect(auto.status).toBe(201);
    expect(auto.body.request.state).toBe('ACTIVE');
    autoId = auto.body.request.id;
    granted.push(autoId);
    // 2. human-approved over HTTP
    const pend = await h.call('POST', `${API}/requests`, {
      token: alice,
      body: createBody({ role: 'deployer', metadata: { ticket: 'INC-1' } }),
    });
    expect(pend.body.request.state).toBe('PENDING');
    const appr = await h.call('POST', `${API}/requests/${pend.body.request.id}/approve`, {
      token: bob,
      body: { comment: 'ok' },
    });
    expect(appr.body.request.state).toBe('ACTIVE');
    granted.push(pend.body.request.id);
    // 3. agent, auto-approved over MCP
    const agentAuto = ok(
      await h.ask(coderMcp, { role: 'ReadOnlyAccess', reason: 'read logs', ticket: 'T-1' }),
    );
    expect(agentAuto.request.state).toBe('ACTIVE');
    granted.push(agentAuto.request.id);
    // 4. agent, ai_review, approved by the AI reviewer over MCP
    const agentRev = ok(await h.ask(coderMcp, { role: 'deployer', reason: 'deploy build 7' }));
    expect(agentRev.request).toMatchObject({ state: 'PENDING', approver_tier: 'ai_review' });
    const decided = ok(
      await h.tool(revMcp, 'approve_request', {
        request_id: agentRev.request.id,
        reasoning: 'routine deploy to dev',
        risk: 'low',
      }),
    );
    expect(decided.request.state).toBe('ACTIVE');
    granted.push(agentRev.request.id);
    // 5. agent grant on the scope where policy allows disclosure to the model (legitimate MCP disclosure)
    const disclose = ok(
      await h.ask(coderMcp, { role: 'ReadOnlyAccess', scope: 'disclose-ok', reason: 'needs the raw key' }),
    );
    expect(disclose.request.state).toBe('ACTIVE');
    granted.push(disclose.request.id);
  });
  afterAll(() => h?.close());

  it('credentials are stored encrypted: no plaintext, no base64/hex of it, decryptable only with the id', async () => {
    const rows = await h.sql(`select id, credentials_enc from requests where state = 'ACTIVE'`);
    expect(rows.length).toBe(granted.length);
    for (const r of rows) {
      const blob = String(r.credentials_enc);
      expect(blob.length).toBeGreaterThan(20);
      for (const s of mockSecrets(String(r.id))) {
        expect(blob).not.toContain(s);
        expect(blob).not.toContain(Buffer.from(s).toString('base64'));
        expect(blob).not.toContain(Buffer.from(s).toString('hex'));
        expect(blob).not.toContain('MOCK_ACCESS_KEY');
      }
    }
    // Two grants never share a ciphertext (fresh nonce per encryption).
    expect(new Set(rows.map((r) => r.credentials_enc)).size).toBe(rows.length);
  });

  it('the requester reads the credentials over HTTP; nobody else does, and the refusals carry no secret', async () => {
    const own = await h.call('GET', `${API}/requests/${autoId}/credentials`, { token: alice });
    expect(own.status).toBe(200);
    expect(own.body.grant.credentials).toEqual({
      MOCK_ACCESS_KEY: `mock-access-key-${autoId}`,
      MOCK_SESSION_TOKEN: `mock-session-token-${autoId}`,
    });
    expect(own.headers.get('cache-control')).toBe('no-store');
    const refusals = [
      await h.call('GET', `${API}/requests/${autoId}/credentials`, { token: bob }),
      await h.call('GET', `${API}/requests/${autoId}/credentials`, { token: admin }),
      await h.call('GET', `${API}/requests/${autoId}/credentials`, { token: coder.token }),
      await h.call('GET', `${API}/requests/${autoId}/credentials`, { token: rev.token }),
      await h.call('GET', `${API}/requests/${autoId}/credentials`, {}),
      await h.call('GET', `${API}/requests/${autoId}/credentials`, { token: `${alice}x` }),
      await h.call('GET', `${API}/requests/${autoId.toLowerCase()}/credentials`, { token: alice }),
      await h.call('GET', `${API}/requests/${autoId}%00/credentials`, { token: alice }),
      await h.call('POST', `${API}/requests/${autoId}/credentials`, { token: alice, body: {} }),
    ];
    for (const r of refusals) {
      expect(r.status, r.text).toBeGreaterThanOrEqual(400);
      expect(r.status, r.text).toBeLessThan(500);
      expect(r.text).not.toMatch(SECRET_PATTERN);
    }
    // The owner of the agent that holds a grant does not get its credentials either.
    const agentGrant = granted[2]!;
    const owner = await h.call('GET', `${API}/requests/${agentGrant}/credentials`, { token: alice });
    expect([403, 404]).toContain(owner.status);
    expect(owner.text).not.toMatch(SECRET_PATTERN);
  });

  it('MCP get_credentials discloses only where config and policy allow, and never someone else’s', async () => {
    const refused = ok(await h.tool(coderMcp, 'get_credentials', { request_id: granted[2] }));
    expect(refused).toMatchObject({ disclosed: false });
    expect(fullTextOf(await h.tool(coderMcp, 'get_credentials', { request_id: granted[2] }))).not.toMatch(
      SECRET_PATTERN,
    );
    // alice is a person on MCP: her own grant on a non-disclosure scope stays undisclosed.
    const hers = await h.tool(aliceMcp, 'get_credentials', { request_id: autoId });
    expect(fullTextOf(hers)).not.toMatch(SECRET_PATTERN);
    // Someone else's disclosable grant: refused without the secret.
    const other = await h.tool(aliceMcp, 'get_credentials', { request_id: granted[4] });
    expect(other.isError).toBe(true);
    expect(fullTextOf(other)).not.toMatch(SECRET_PATTERN);
    // The reviewer has no get_credentials tool at all.
    const noTool = await h.tool(revMcp, 'get_credentials', { request_id: granted[3] });
    expect(noTool.isError).toBe(true);
    expect(fullTextOf(noTool)).not.toMatch(SECRET_PATTERN);
    // The one legitimate disclosure: the requester, on the scope policy allows.
    const allowed = ok(await h.tool(coderMcp, 'get_credentials', { request_id: granted[4] }));
    expect(allowed.credentials.MOCK_ACCESS_KEY).toBe(`mock-access-key-${granted[4]}`);
  });

  it('every other tool result carries no credential (requester and reviewer surfaces)', async () => {
    const results = [
      await h.tool(coderMcp, 'list_eligible_access'),
      await h.tool(coderMcp, 'get_request', { request_id: granted[2] }),
      await h.tool(coderMcp, 'list_my_requests', {}),
      await h.tool(coderMcp, 'list_my_requests', { state: 'ACTIVE' }),
      await h.tool(coderMcp, 'wait_for_request', { request_id: granted[3], timeout_seconds: 1 }),
      await h.tool(aliceMcp, 'get_request', { request_id: autoId }),
      await h.tool(aliceMcp, 'list_my_requests', {}),
      await h.tool(revMcp, 'list_pending_ai_review', {}),
      await h.tool(revMcp, 'get_request_details', { request_id: granted[3] }),
      // Someone else's ids, on every tool that takes one.
      await h.tool(revMcp, 'get_request_details', { request_id: granted[0] }),
      await h.tool(aliceMcp, 'get_request', { request_id: granted[2] }),
      await h.tool(aliceMcp, 'release_access', { request_id: granted[2] }),
      await h.tool(aliceMcp, 'cancel_request', { request_id: granted[2] }),
      await h.tool(revMcp, 'approve_request', { request_id: granted[3], reasoning: 'again' }),
      await h.tool(revMcp, 'deny_request', { request_id: granted[3], reasoning: 'no' }),
      await h.tool(revMcp, 'escalate_to_human', { request_id: granted[3], reasoning: 'unsure' }),
    ];
    // A PENDING one to cancel, deny and escalate for real.
    const p1 = ok(await h.ask(coderMcp, { role: 'deployer', scope: 'prod', reason: 'deploy prod' })).request
      .id;
    results.push(await h.tool(revMcp, 'escalate_to_human', { request_id: p1, reasoning: 'prod: human' }));
    results.push(await h.tool(coderMcp, 'cancel_request', { request_id: p1, reason: 'not needed' }));
    const p2 = ok(await h.ask(coderMcp, { role: 'deployer', reason: 'deploy again' })).request.id;
    results.push(await h.tool(revMcp, 'deny_request', { request_id: p2, reasoning: 'twice in a row' }));
    for (const r of results) {
      const text = fullTextOf(r);
      for (const s of allSecrets()) expect(text).not.toContain(s);
      expect(text).not.toMatch(/mock-revoke-token|credentials_enc|grant_handle|jit_agt_/);
    }
    const details = ok(await h.tool(revMcp, 'get_request_details', { request_id: granted[3] }));
    expect(Object.keys(details.request)).not.toContain('credentials');
  });

  it('policy eval output carries no credential, and policies cannot read stored ones through data', async () => {
    const input = {
      user: { email: 'alice@example.com', groups: ['sre'], kind: 'human' },
      request: { provider: 'mock', role: 'ReadOnlyAccess', resource_scope: 'dev', duration_seconds: 60 },
      context: { trust_tier: 3 },
    };
    const live = await h.call('POST', `${API}/policies:eval`, { token: alice, body: { input } });
    expect(live.status).toBe(200);
    const snoop = await h.call('POST', `${API}/policies:eval`, {
      token: admin,
      body: {
        input,
        candidate: {
          name: 'snoop',
          rego: [
            'package jitsudo.eligibility',
            'leak := [data.requests, data.credentials] if true',
            'probe contains "requests" if data.requests',
            'probe contains "credentials" if data.credentials',
            'probe contains "env" if opa.runtime().env',
            'grant contains "snoop" if true',
          ].join('\n'),
        },
      },
    });
    expect(snoop.status, snoop.text).toBe(200);
    for (const r of [live, snoop]) for (const s of allSecrets()) expect(r.text).not.toContain(s);
    expect(snoop.text).not.toMatch(/MOCK_ACCESS_KEY|credentials_enc/);
    // Base data is empty: a user policy has nothing stored to read.
    expect(snoop.body.result.probe).toEqual([]);
    expect(snoop.body.result.leak).toBeUndefined();
  });

  it('revoke wipes the stored credentials; expiry wipes them; neither response carries them', async () => {
    const rv = await h.call('POST', `${API}/requests/${autoId}/revoke`, {
      token: alice,
      body: { reason: 'done' },
    });
    expect(rv.body.request.state).toBe('REVOKED');
    ended.push(autoId);
    const released = ok(await h.tool(coderMcp, 'release_access', { request_id: granted[2] }));
    expect(released.request.state).toBe('REVOKED');
    ended.push(granted[2]!);
    // Expiry: move the clock past the grant of request 2 (30 min) and sweep.
    h.advance(31 * 60_000);
    expect(await expireDueGrants(h.core.deps, 100)).toBeGreaterThan(0);
    const exp = await h.sql(`select id, state from requests where id = '${granted[1]}'`);
    expect(exp[0]!.state).toBe('EXPIRED');
    ended.push(granted[1]!);
    const rows = await h.sql(
      `select id, credentials_enc from requests where id in (${ended.map((e) => `'${e}'`).join(',')})`,
    );
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r.credentials_enc, String(r.id)).toBeNull();
    const after = await h.call('GET', `${API}/requests/${autoId}/credentials`, { token: alice });
    expect(after.status).toBe(409);
    expect(after.text).not.toMatch(SECRET_PATTERN);
  });

  it('a grant whose revoke keeps failing: its error and state views carry no credential', async () => {
    const c = await h.call('POST', `${API}/requests`, { token: alice, body: createBody() });
    const id = c.body.request.id as string;
    granted.push(id);
    h.mock.failNext('revoke', 3);
    const rv = await h.call('POST', `${API}/requests/${id}/revoke`, { token: alice, body: {} });
    expect(rv.status).toBe(200);
    expect(rv.body.request).toMatchObject({ state: 'ACTIVE', end_reason: 'revoked' });
    const creds = await h.call('GET', `${API}/requests/${id}/credentials`, { token: alice });
    expect(creds.status).toBe(409);
    for (const r of [rv, creds, await h.call('GET', `${API}/requests/${id}`, { token: alice })])
      for (const s of mockSecrets(id)) expect(r.text).not.toContain(s);
    h.mock.clearFailures();
  });

  it('the CLI `status -o json|yaml` carries no credential', async () => {
    const server = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => server.once('listening', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const home = mkdtempSync(join(tmpdir(), 'jitsudo-sec-'));
      chmodSync(home, 0o700);
      const file = join(home, 'credentials');
      writeFileSync(
        file,
        `server_url: ${url}\ntoken: ${alice}\nexpires_at: "2999-01-01T00:00:00Z"\nemail: alice@example.com\n`,
        { mode: 0o600 },
      );
      const live = granted.at(-1)!;
      const runs = await Promise.all([
        jitsudo(['status', '-o', 'json'], { home, server: url }),
        jitsudo(['status', live, '-o', 'yaml'], { home, server: url }),
        jitsudo(['status', granted[0]!, '-o', 'json'], { home, server: url }),
      ]);
      for (const r of runs) {
        expect(r.code, r.stderr).toBe(0);
        for (const s of allSecrets()) {
          expect(r.stdout).not.toContain(s);
          expect(r.stderr).not.toContain(s);
        }
      }
      expect(JSON.parse(runs[0]!.stdout).requests.length).toBeGreaterThan(2);
      expect(parseYaml(runs[1]!.stdout)).toMatchObject({ id: live });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('no HTTP or MCP response but the requester’s own credentials read carried a credential', async () => {
    // Touch the read surfaces once more, as everyone.
    for (const t of [alice, bob, admin, coder.token, rev.token]) {
      await h.call('GET', `${API}/requests?page_size=100`, { token: t });
      await h.call('GET', `${API}/requests?pending=true`, { token: t });
      await h.call('GET', `${API}/audit?page_size=1000`, { token: t });
      await h.call('GET', `${API}/auth/whoami`, { token: t });
      await h.call('GET', `${API}/eligible-access`, { token: t });
      await h.call('GET', `${API}/agents`, { token: t });
      await h.call('GET', `${API}/policies`, { token: t });
      for (const id of granted) await h.call('GET', `${API}/requests/${id}`, { token: t });
    }
    await h.call('GET', `${API}/principals/alice@example.com`, { token: admin });
    await h.call('GET', `${API}/audit:export`, { token: admin });
    await h.call('POST', `${API}/audit:verify`, { token: admin });
    const credentialReads = new Map<string, number>();
    for (const { where, text } of await h.responses()) {
      const m = CREDENTIALS_PATH.exec(where);
      const own = m && text.includes(`"request_id":"${m[1]}"`);
      if (own) {
        credentialReads.set(m[1]!, (credentialReads.get(m[1]!) ?? 0) + 1);
        // Even a credentials answer holds only its own request's secrets.
        for (const s of allSecrets().filter((x) => !x.endsWith(m[1]!))) expect(text).not.toContain(s);
        continue;
      }
      if (where === 'mcp' && text.includes('"disclosed":true')) {
        for (const s of allSecrets().filter((x) => !x.endsWith(granted[4]!))) expect(text).not.toContain(s);
        continue;
      }
      for (const s of allSecrets()) expect(text, where).not.toContain(s);
      expect(text, where).not.toMatch(/mock-revoke-token|jit_agt_[A-Za-z0-9_-]{10}/);
    }
    expect(credentialReads.get(autoId)).toBe(1);
  });

  it('the audit log (every column of every row) and its export carry no credential or token', async () => {
    const rows = await h.sql('select * from audit_events order by id');
    expect(rows.length).toBeGreaterThan(20);
    const dump = JSON.stringify(rows);
    for (const s of allSecrets()) expect(dump).not.toContain(s);
    expect(dump).not.toMatch(/mock-revoke-token|jit_agt_/);
    for (const t of [alice, bob, admin]) expect(dump).not.toContain(t.split('.')[2]!);
    const retrieved = rows.filter((r) => r.action === 'credentials.retrieved');
    expect(retrieved.length).toBeGreaterThanOrEqual(2);
    const exp = await h.call('GET', `${API}/audit:export`, { token: admin });
    expect(exp.status).toBe(200);
    expect(exp.text.split('\n').length).toBeGreaterThan(rows.length);
    for (const s of allSecrets()) expect(exp.text).not.toContain(s);
    // Other tables that must never hold them either.
    const other = JSON.stringify([
      await h.sql('select * from approvals'),
      await h.sql('select * from agents'),
      await h.sql('select * from principals'),
      await h.sql('select id, metadata, grant_handle, last_error, reason from requests'),
    ]);
    for (const s of allSecrets()) expect(other).not.toContain(s);
    expect(other).not.toMatch(/jit_agt_/);
    expect((await h.verify()).ok).toBe(true);
  });

  it('the debug-level log carries no credential, bearer token or agent token', () => {
    const logs = h.logs();
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).toMatch(/"level":20|"level":30/);
    for (const s of allSecrets()) expect(logs).not.toContain(s);
    expect(logs).not.toMatch(/mock-revoke-token|jit_agt_|MOCK_ACCESS_KEY/);
    for (const t of [alice, bob, admin]) expect(logs).not.toContain(t.split('.')[2]!);
  });

  it('errors around the credential endpoints name no secret (bad ids, wrong states, wrong methods)', async () => {
    const pending = await h.call('POST', `${API}/requests`, {
      token: alice,
      body: createBody({ role: 'deployer' }),
    });
    const id = pending.body.request.id as string;
    const rs = [
      await h.call('GET', `${API}/requests/${id}/credentials`, { token: alice }),
      await h.call('GET', `${API}/requests/req_${'Z'.repeat(26)}/credentials`, { token: alice }),
      await h.call('GET', `${API}/requests/${'x'.repeat(5000)}/credentials`, { token: alice }),
      await h.call('GET', `${API}/requests/../../audit/credentials`, { token: alice }),
      await h.call('DELETE', `${API}/requests/${granted.at(-1)}/credentials`, { token: alice }),
    ];
    for (const r of rs) {
      expect(r.status, r.text).toBeGreaterThanOrEqual(400);
      expect(r.status, r.text).toBeLessThan(500);
      expect(r.text).not.toMatch(SECRET_PATTERN);
      expect(r.text).not.toMatch(/at .*\.ts:\d+|stack/i);
    }
    const mcpPending = await h.tool(aliceMcp, 'get_credentials', { request_id: id });
    expect(fullTextOf(mcpPending)).not.toMatch(SECRET_PATTERN);
    const mcpRevoked = await h.tool(coderMcp, 'get_credentials', { request_id: granted[2] });
    expect(fullTextOf(mcpRevoked)).not.toMatch(SECRET_PATTERN);
    const mcpMissing = await h.tool(coderMcp, 'get_credentials', { request_id: `req_${'Z'.repeat(26)}` });
    expect(errorOf(mcpMissing).code).toBe('NOT_FOUND');
  });
});
