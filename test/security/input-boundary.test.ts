/**
 * The cases filed as item 10 of the security issue: text PostgreSQL cannot store (U+0000, lone
 * surrogates) and times it cannot hold (year 0000) reached the database and came back as HTTP 500 /
 * MCP INTERNAL. Each must be a 400 VALIDATION (MCP isError VALIDATION) with a clear message, and must
 * change nothing. The property-based sweep over every route and tool is input-fuzz.test.ts.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.js';
import type { CallResult } from '../helpers/http-call.js';
import { errorOf, ok } from '../helpers/mcp-client.js';
import { API, createBody, type SecHarness, startSecHarness } from './support.js';

const NUL = '\u0000';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const ULID = '01J9Z7X3R4T5V6W7X8Y9Z0ABCD';

describe.each(testDatabases())('boundary validation on %s', (driver) => {
  let h: SecHarness;
  let admin: string;
  let alice: string;
  let coderMcp: Client;
  let revMcp: Client;
  let state: () => Promise<unknown>;

  beforeAll(async () => {
    h = await startSecHarness({
      driver,
      config: { agents: { limits: { max_open_requests: 50, max_requests_per_hour: 500 } } },
    });
    admin = await h.human('root@example.com', ['jitsudo-admins']);
    alice = await h.human('alice@example.com', ['sre']);
    const coder = await h.agent('coder', 'alice@example.com');
    // A second admin: not the coder's creator, so it may set its tier and its reviewer may decide.
    const ops = await h.human('ops@example.com', ['jitsudo-admins']);
    const tier = await h.call('PUT', `${API}/principals/agent:coder/trust-tier`, {
      token: ops,
      body: { trust_tier: 3 },
    });
    expect(tier.status, tier.text).toBe(200);
    const rev = await h.call('POST', `${API}/agents`, {
      token: ops,
      body: { name: 'rev', owner: 'rita@example.com', scopes: ['ai-reviewer'] },
    });
    expect(rev.status, rev.text).toBe(201);
    coderMcp = await h.mcp(coder.token);
    revMcp = await h.mcp(rev.body.token);
    state = async () => ({
      counts: await h.counts(),
      head: await h.sql('select id, hash from audit_events order by id desc limit 1'),
    });
  }, 60_000);
  afterAll(() => h?.close());

  /** 400 VALIDATION naming the field, and nothing changed. */
  async function refuses(label: string, run: () => Promise<CallResult>, field: RegExp) {
    const before = await state();
    const r = await run();
    expect(r.status, `${label}: ${r.text.slice(0, 300)}`).toBe(400);
    expect(r.body?.error?.code, label).toBe('VALIDATION');
    expect(r.body?.error?.message, label).toMatch(field);
    expect(await state(), label).toEqual(before);
  }
  /** The tool's own input schema (SDK -32602) or core's (VALIDATION) refused it, naming the field. */
  const mcpRefused = (e: { code: string; message: string }, field: RegExp) => {
    if (e.code === 'SDK') expect(e.message).toMatch(/-32602: Input validation error/);
    else expect(e.code, e.message).toBe('VALIDATION');
    expect(e.message).toMatch(field);
  };
  const get =
    (path: string, token = admin) =>
    () =>
      h.call('GET', `${API}${path}`, { token });

  it('U+0000 in query filters: /audit?actor, /agents?owner, /requests?requester → 400', async () => {
    await refuses('audit actor', get('/audit?actor=%00'), /actor/);
    await refuses('audit action', get('/audit?action=a%00'), /action/);
    await refuses('agents owner', get('/agents?owner=%00'), /owner/);
    await refuses('requests requester', get('/requests?requester=a%00'), /requester/);
    await refuses('eligible role', get('/eligible-access?role=a%00', alice), /role/);
  });

  it('times PostgreSQL cannot hold: year 0000, and an offset that lands before year 1 → 400', async () => {
    await refuses('until 0000', get('/audit?until=0000-01-01T00:00:00Z'), /until/);
    await refuses('since 0000', get('/audit?since=0000-12-31T23:59:59Z'), /since/);
    await refuses('offset into year 0', get('/audit?since=0001-01-01T00:30:00%2B01:00'), /since/);
    // A time at the edge of the range is a valid filter, not an error.
    const edge = await h.call('GET', `${API}/audit?since=0001-01-01T00:00:00Z&until=9999-12-31T23:59:59Z`, {
      token: admin,
    });
    expect(edge.status, edge.text).toBe(200);
  });

  it('crafted page tokens (decodable, but out of range or holding U+0000) → 400', async () => {
    const tokens: [string, string][] = [
      ['/requests', b64(`0000-01-01T00:00:00.000Z|req_${ULID}`)],
      ['/requests', b64(`2026-01-01T00:00:00.000Z|req_${ULID}${NUL}`)],
      ['/audit', b64('a:0')],
      ['/audit', `${b64('a:5')}=`],
      ['/audit', b64('a:5\ud800')],
      ['/policies', b64(`p:${NUL}`)],
      ['/policies', b64('p:\ud800')],
      ['/agents', `agt_${ULID}${NUL}`],
    ];
    for (const [path, token] of tokens)
      await refuses(`${path} ${token}`, get(`${path}?page_token=${encodeURIComponent(token)}`), /page_token/);
  });

  it('U+0000 in a policy description, and dev-token claims holding U+0000 → 400', async () => {
    await refuses(
      'policy description',
      () =>
        h.call('POST', `${API}/policies`, {
          token: admin,
          body: { name: 'nul-desc', rego: 'package x\nallow := true', description: `a${NUL}b` },
        }),
      /description/,
    );
    for (const claims of [
      { email: `a${NUL}@example.com` },
      { email: 'a@example.com', groups: [`sre${NUL}`] },
      { email: 'a@example.com', groups: ['\udc00'] },
    ])
      await refuses(
        `dev token ${JSON.stringify(claims)}`,
        () => h.call('POST', `${API}/auth/dev-token`, { body: claims }),
        /email|groups/,
      );
  });

  it("an AI reviewer's reasoning (or comment) holding U+0000 → MCP VALIDATION, the request stays PENDING", async () => {
    const pending = ok(await h.ask(coderMcp, { role: 'deployer', reason: 'deploy build 7' })).request;
    expect(pending).toMatchObject({ state: 'PENDING', approver_tier: 'ai_review' });
    for (const tool of ['approve_request', 'deny_request', 'escalate_to_human'])
      for (const args of [{ reasoning: `looks fine${NUL}` }, { reasoning: 'ok', comment: `c${NUL}` }]) {
        const before = await state();
        const e = errorOf(await h.tool(revMcp, tool, { request_id: pending.id, ...args }));
        mcpRefused(e, /reasoning|comment/);
        expect(await state()).toEqual(before);
      }
    const still = ok(await h.tool(revMcp, 'get_request_details', { request_id: pending.id })).request;
    expect(still.state).toBe('PENDING');
    // And a clean reasoning is still accepted.
    const decided = ok(
      await h.tool(revMcp, 'deny_request', { request_id: pending.id, reasoning: 'no ticket given' }),
    );
    expect(decided.request.state).toBe('REJECTED');
  });

  it('U+0000 and lone surrogates in free text of a create → 400 on HTTP and MCP', async () => {
    for (const reason of [`why${NUL}`, 'why\ud800', 'why\udfff!'])
      await refuses(
        `reason ${JSON.stringify(reason)}`,
        () => h.call('POST', `${API}/requests`, { token: alice, body: createBody({ reason }) }),
        /reason/,
      );
    mcpRefused(errorOf(await h.ask(coderMcp, { role: 'deployer', reason: 'x\ud800' })), /reason/);
  });
});
