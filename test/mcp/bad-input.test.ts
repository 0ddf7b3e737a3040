/**
 * Bad input for every tool: missing fields, wrong types, oversized strings, unknown fields, unknown
 * ids and someone else's request id. Each gives an isError result that names the problem, and
 * nothing changes: no row, no audit event, no provider call.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.js';
import { ok, postMcp, textOf } from '../helpers/mcp-client.js';
import { SECRET_PATTERN } from '../helpers/mock-secrets.js';
import { type McpHarness, startMcpHarness } from './support/harness.js';

const UNKNOWN = 'req_01J9Z7X3R4T5V6W7X8Y9Z0ABCD';
const big = (n: number) => 'x'.repeat(n);

type Case = [tool: string, args: Record<string, unknown>, expected: RegExp];

describe.each(testDatabases())('MCP bad input on %s', (driver) => {
  let h: McpHarness;
  let bot: Client;
  let other: Client;
  let reviewer: Client;
  let theirs: string; // a PENDING ai_review request of another agent (other owner)
  let theirsActive: string;
  let mine: string; // bot's own PENDING request

  beforeAll(async () => {
    h = await startMcpHarness(driver);
    bot = await h.client((await h.agent('bot', 'alice@example.com')).token);
    other = await h.client((await h.agent('other', 'alice@example.com')).token);
    reviewer = await h.client((await h.agent('rev', 'rita@example.com', ['ai-reviewer'])).token);
    const ask = async (c: Client, role = 'deployer') =>
      ok(await h.ask(c, { role, reason: 'work' })).request.id;
    theirs = await ask(other);
    mine = await ask(bot);
    await h.setTier('agent:other', 3);
    theirsActive = await ask(other, 'ReadOnlyAccess');
  });
  afterAll(() => h?.close());

  const requesterCases = (): Case[] => [
    ['list_eligible_access', { provider: 5 }, /provider/],
    ['list_eligible_access', { role: big(300) }, /role/],
    ['list_eligible_access', { surprise: true }, /surprise|unrecognized/i],
    ['request_access', { role: 'deployer', scope: 'dev', reason: 'r' }, /provider/],
    ['request_access', { provider: 'mock', role: 'deployer', scope: 'dev' }, /reason/],
    ['request_access', { provider: 'mock', role: 'deployer', scope: 'dev', reason: '' }, /reason/],
    ['request_access', { provider: 'mock', role: 'deployer', scope: 'dev', reason: '   ' }, /reason/],
    ['request_access', { provider: 'mock', role: 'deployer', scope: 'dev', reason: big(5000) }, /reason/],
    ['request_access', { provider: 'mock', role: big(300), scope: 'dev', reason: 'r' }, /role/],
    ['request_access', { provider: 'mock', role: 'deployer', scope: big(2000), reason: 'r' }, /scope/],
    [
      'request_access',
      { provider: 'mock', role: 'deployer', scope: 'dev', reason: 'r', duration: true },
      /duration/,
    ],
    [
      'request_access',
      { provider: 'mock', role: 'deployer', scope: 'dev', reason: 'r', duration: '5 hours' },
      /duration/,
    ],
    [
      'request_access',
      { provider: 'mock', role: 'deployer', scope: 'dev', reason: 'r', duration: -5 },
      /duration/,
    ],
    [
      'request_access',
      { provider: 'mock', role: 'deployer', scope: 'dev', reason: 'r', duration: '30d' },
      /duration/,
    ],
    ['request_access', { provider: 'nope', role: 'deployer', scope: 'dev', reason: 'r' }, /nope|provider/],
    ['request_access', { provider: 'mock', role: 'has space', scope: 'dev', reason: 'r' }, /role/],
    [
      'request_access',
      { provider: 'mock', role: 'deployer', scope: 'dev', reason: 'r', ticket: big(200) },
      /ticket/,
    ],
    [
      'request_access',
      { provider: 'mock', role: 'deployer', scope: 'dev', reason: 'r', break_glass: 'yes' },
      /break_glass/,
    ],
    [
      'request_access',
      { provider: 'mock', role: 'deployer', scope: 'dev', reason: 'r', metadata: {} },
      /metadata|unrecognized/i,
    ],
    ['get_request', {}, /request_id/],
    ['get_request', { request_id: 42 }, /request_id/],
    ['get_request', { request_id: `req_${big(100)}` }, /request_id/],
    ['get_request', { request_id: UNKNOWN }, /not found/],
    ['get_request', { request_id: 'not-an-id' }, /not found/],
    ['list_my_requests', { state: 'BOGUS' }, /state/],
    ['list_my_requests', { page_size: 0 }, /page_size/],
    ['list_my_requests', { page_size: 1000 }, /page_size/],
    ['list_my_requests', { page_token: 'garbage' }, /page_token/],
    ['wait_for_request', { request_id: UNKNOWN, timeout_seconds: 1 }, /not found/],
    ['wait_for_request', { request_id: UNKNOWN, timeout_seconds: 301 }, /timeout_seconds/],
    ['wait_for_request', { request_id: UNKNOWN, timeout_seconds: 'soon' }, /timeout_seconds/],
    ['cancel_request', {}, /request_id/],
    ['cancel_request', { request_id: UNKNOWN }, /not found/],
    ['cancel_request', { request_id: UNKNOWN, reason: big(5000) }, /reason/],
    ['release_access', { request_id: UNKNOWN }, /not found/],
    ['release_access', { request_id: [] }, /request_id/],
    ['get_credentials', {}, /request_id/],
    ['get_credentials', { request_id: UNKNOWN }, /not found/],
  ];

  it('every requester tool: missing, mistyped, oversized, unknown → a clear error and nothing changed', async () => {
    const before = await h.counts();
    const calls = { ...h.mock.calls };
    for (const [tool, args, expected] of requesterCases()) {
      const r = await h.call(bot, tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args).slice(0, 80)}`).toBe(true);
      expect(textOf(r), `${tool} ${JSON.stringify(args).slice(0, 80)}`).toMatch(expected);
    }
    // Denials by policy write their audit row on purpose; validation failures write nothing.
    expect(await h.counts()).toEqual(before);
    expect(h.mock.calls).toEqual(calls);
  });

  it("someone else's request id looks like a missing one, for every requester tool", async () => {
    const before = await h.counts();
    for (const id of [theirs, theirsActive]) {
      for (const tool of [
        'get_request',
        'wait_for_request',
        'cancel_request',
        'release_access',
        'get_credentials',
      ]) {
        const r = await h.call(bot, tool, {
          request_id: id,
          ...(tool === 'wait_for_request' ? { timeout_seconds: 1 } : {}),
        });
        expect(r.isError, `${tool} ${id}`).toBe(true);
        expect(textOf(r), tool).toMatch(new RegExp(`request ${id} not found`));
      }
    }
    // Their requests are untouched.
    expect(ok(await h.call(other, 'get_request', { request_id: theirs })).request.state).toBe('PENDING');
    expect(ok(await h.call(other, 'get_request', { request_id: theirsActive })).request.state).toBe('ACTIVE');
    expect(await h.counts()).toEqual(before);
  });

  it('wrong state is a clear CONFLICT: releasing a PENDING request, cancelling twice', async () => {
    const r = await h.call(bot, 'release_access', { request_id: mine });
    expect(textOf(r)).toMatch(/PENDING; cancel or deny it instead/);
    expect(textOf(r)).toMatch(/get_request/);
    ok(await h.call(bot, 'cancel_request', { request_id: mine }));
    const again = await h.call(bot, 'cancel_request', { request_id: mine });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toMatch(/CANCELLED; only PENDING requests can be cancelled/);
  });

  it('every reviewer tool: missing or empty reasoning, oversized, mistyped, unknown → a clear error and nothing changed', async () => {
    const before = await h.counts();
    const cases: Case[] = [
      ['list_pending_ai_review', { page_size: -1 }, /page_size/],
      ['list_pending_ai_review', { page_token: 'zzz' }, /page_token/],
      ['get_request_details', {}, /request_id/],
      ['get_request_details', { request_id: UNKNOWN }, /not found/],
    ];
    for (const tool of ['approve_request', 'deny_request', 'escalate_to_human']) {
      cases.push(
        [tool, { request_id: theirs }, /reasoning/],
        [tool, { request_id: theirs, reasoning: '   ' }, /reasoning/],
        [tool, { request_id: theirs, reasoning: big(9000) }, /reasoning/],
        [tool, { request_id: theirs, reasoning: 42 }, /reasoning/],
        [tool, { request_id: theirs, reasoning: 'ok', risk: 'extreme' }, /risk/],
        [tool, { request_id: theirs, reasoning: 'ok', comment: big(5000) }, /comment/],
        [tool, { reasoning: 'ok' }, /request_id/],
        [tool, { request_id: UNKNOWN, reasoning: 'ok' }, /not found/],
        [tool, { request_id: theirsActive, reasoning: 'ok' }, /not found|ACTIVE/],
      );
    }
    for (const [tool, args, expected] of cases) {
      const r = await h.call(reviewer, tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args).slice(0, 80)}`).toBe(true);
      expect(textOf(r), `${tool} ${JSON.stringify(args).slice(0, 80)}`).toMatch(expected);
    }
    expect(await h.counts()).toEqual(before);
    expect(ok(await h.call(other, 'get_request', { request_id: theirs })).request.state).toBe('PENDING');
  });

  it('a raw JSON-RPC body that is not JSON, or names no method, gets a JSON-RPC error', async () => {
    const token = await h.human('bob@example.com');
    const post = (body: string) => postMcp(h.app, { authorization: `Bearer ${token}` }, body);
    const notJson = await post('{oops');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.code).toBe(-32700);
    const noMethod = await post(JSON.stringify({ jsonrpc: '2.0', id: 1 }));
    expect(noMethod.status).toBe(400);
  });

  it('no tool result in this file contains a credential or token', async () => {
    const bodies = await h.bodies();
    expect(bodies.filter((b) => SECRET_PATTERN.test(b))).toEqual([]);
  });
});
