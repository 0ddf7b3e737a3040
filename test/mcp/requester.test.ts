/** The requester surface over the real /mcp endpoint: every tool's happy path, as a person and as an agent. */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.js';
import { errorOf, ok, postMcp, textOf } from '../helpers/mcp-client.js';
import { SECRET_PATTERN } from '../helpers/mock-secrets.js';
import { type McpHarness, startMcpHarness } from './support/harness.js';

const REQUESTER_TOOLS = [
  'list_eligible_access',
  'request_access',
  'get_request',
  'list_my_requests',
  'wait_for_request',
  'cancel_request',
  'release_access',
  'extend_request',
  'get_credentials',
];

describe.each(testDatabases())('MCP requester tools on %s', (driver) => {
  let h: McpHarness;
  let bob: Client;
  let bot: Client;
  beforeAll(async () => {
    h = await startMcpHarness(driver);
    bob = await h.client(await h.human('bob@example.com'));
    bot = await h.client((await h.agent('coder', 'alice@example.com')).token);
  });
  afterAll(() => h?.close());

  it('lists exactly the requester tools, each with an output schema, annotations and a description', async () => {
    const { tools } = await bob.listTools();
    expect(tools.map((t) => t.name)).toEqual(REQUESTER_TOOLS);
    for (const t of tools) {
      expect(t.outputSchema, t.name).toBeDefined();
      expect(t.annotations?.readOnlyHint, t.name).toBeTypeOf('boolean');
      expect(t.annotations?.destructiveHint, t.name).toBeTypeOf('boolean');
      expect(t.description!.length, t.name).toBeGreaterThan(150);
    }
    const by = Object.fromEntries(tools.map((t) => [t.name, t.annotations!]));
    expect(by.get_request).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    expect(by.release_access).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      openWorldHint: true,
    });
    expect(by.request_access).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
    });
  });

  it('list_eligible_access: policy-filtered catalog with the longest allowed duration and approver', async () => {
    const people = ok(await h.call(bob, 'list_eligible_access'));
    // bob has no groups: only read-only roles; the default policy caps everything at 4 h.
    expect(people.entries.map((e: { role: string; scope: string }) => `${e.role}@${e.scope}`)).toEqual([
      'ReadOnlyAccess@dev',
      'ReadOnlyAccess@prod',
    ]);
    expect(people.entries[0]).toMatchObject({
      provider: 'mock',
      max_duration_seconds: 14400,
      approver_tier: 'human',
    });
    expect(people).toMatchObject({ checked: 5, not_eligible: 3, truncated: false, trust_tier: 0 });
    const agents = ok(await h.call(bot, 'list_eligible_access', { role: 'deployer' }));
    expect(agents.entries).toEqual([
      expect.objectContaining({ scope: 'dev', max_duration_seconds: 7200, approver_tier: 'ai_review' }),
      expect.objectContaining({ scope: 'prod', max_duration_seconds: 7200, approver_tier: 'ai_review' }),
    ]);
  });

  it('request_access → PENDING; get_request and list_my_requests see it; cancel_request ends it', async () => {
    const r = ok(
      await h.ask(bot, {
        role: 'deployer',
        duration: '30m',
        reason: 'deploy v2 of the billing service',
        ticket: 'JIRA-7',
        incident: 'INC-42',
      }),
    );
    expect(r.request).toMatchObject({
      state: 'PENDING',
      approver_tier: 'ai_review',
      duration_seconds: 1800,
      metadata: { ticket: 'JIRA-7', incident: 'INC-42' },
      requester: {
        identity: 'agent:coder',
        kind: 'agent',
        agent: { name: 'coder', owner: 'alice@example.com' },
      },
    });
    expect(r.next_step).toMatch(/wait_for_request/);
    const got = ok(await h.call(bot, 'get_request', { request_id: r.request.id }));
    expect(got.request.id).toBe(r.request.id);
    const mine = ok(await h.call(bot, 'list_my_requests', { state: 'PENDING' }));
    expect(mine.requests.map((x: { id: string }) => x.id)).toContain(r.request.id);
    const cancelled = ok(
      await h.call(bot, 'cancel_request', { request_id: r.request.id, reason: 'not needed' }),
    );
    expect(cancelled.request.state).toBe('CANCELLED');
    // Both identities are on the audit row: the agent and its owner.
    const rows = await h.sql(
      `select actor, actor_kind, on_behalf_of, action from audit_events where request_id = '${r.request.id}' order by id`,
    );
    expect(rows).toEqual([
      {
        actor: 'agent:coder',
        actor_kind: 'agent',
        on_behalf_of: 'alice@example.com',
        action: 'request.created',
      },
      {
        actor: 'agent:coder',
        actor_kind: 'agent',
        on_behalf_of: 'alice@example.com',
        action: 'request.cancelled',
      },
    ]);
  });

  it('auto-approved request_access is ACTIVE at once; release_access revokes it at the provider', async () => {
    await h.setTier('carol@example.com', 3);
    const carol = await h.client(await h.human('carol@example.com'));
    const r = ok(await h.ask(carol, { role: 'ReadOnlyAccess', reason: 'look at logs' }));
    expect(r.request).toMatchObject({ state: 'ACTIVE', approver_tier: 'auto' });
    expect(r.next_step).toMatch(/exec_with_access/);
    expect(h.mock.holds(r.request.id)).toBe(true);
    const released = ok(await h.call(carol, 'release_access', { request_id: r.request.id }));
    expect(released.request.state).toBe('REVOKED');
    expect(h.mock.holds(r.request.id)).toBe(false);
    // Releasing again is harmless.
    expect(ok(await h.call(carol, 'release_access', { request_id: r.request.id })).request.state).toBe(
      'REVOKED',
    );
  });

  it('a denied request_access names the policy reasons and the nearest allowed alternatives', async () => {
    const r = await h.ask(bob, { role: 'admin', duration: '2h', reason: 'fix the thing' });
    const e = errorOf(r);
    expect(e.code).toBe('POLICY_DENIED');
    expect(e.details.reasons).toEqual(['no eligibility rule grants role admin to bob@example.com']);
    expect(e.details.alternatives[0]).toMatchObject({
      provider: 'mock',
      role: 'ReadOnlyAccess',
      resource_scope: 'dev',
      duration_seconds: 7200,
      approver_tier: 'human',
    });
    expect(textOf(r)).toMatch(/Allowed instead: provider=mock role=ReadOnlyAccess scope=dev duration=7200s/);
    // Too long: the same access for at most 4 h is offered first.
    const long = errorOf(await h.ask(bob, { role: 'ReadOnlyAccess', duration: '5h', reason: 'x' }));
    expect(long.details.alternatives[0]).toMatchObject({
      role: 'ReadOnlyAccess',
      resource_scope: 'dev',
      duration_seconds: 14400,
    });
  });

  it('wait_for_request returns once an approver decides, and says done=false at the timeout', async () => {
    const r = ok(await h.ask(bot, { role: 'deployer', reason: 'deploy' }));
    const timedOut = ok(
      await h.call(bot, 'wait_for_request', { request_id: r.request.id, timeout_seconds: 1 }),
    );
    expect(timedOut).toMatchObject({ done: false, request: { state: 'PENDING' } });
    expect(timedOut.waited_seconds).toBeGreaterThanOrEqual(0.9);
    const reviewer = await h.agent('reviewer-1', 'rita@example.com', ['ai-reviewer']);
    const waiting = h.call(bot, 'wait_for_request', { request_id: r.request.id, timeout_seconds: 20 });
    await new Promise((res) => setTimeout(res, 100));
    await h.core.approveRequest(reviewer.actor, { id: r.request.id, reasoning: { text: 'low risk deploy' } });
    const done = ok(await waiting);
    expect(done).toMatchObject({ done: true, request: { state: 'ACTIVE' } });
    expect(done.waited_seconds).toBeLessThan(10);
    ok(await h.call(bot, 'release_access', { request_id: r.request.id }));
  });

  it('wait_for_request with a progressToken streams progress notifications over SSE', async () => {
    const r = ok(await h.ask(bot, { role: 'deployer', reason: 'deploy again' }));
    const seen: { progress: number; total?: number; message?: string }[] = [];
    const res = ok(
      await h.call(
        bot,
        'wait_for_request',
        { request_id: r.request.id, timeout_seconds: 1 },
        { onprogress: (p) => seen.push(p) },
      ),
    );
    expect(res.done).toBe(false);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen[0]).toMatchObject({ total: 1, message: expect.stringMatching(/is PENDING after/) });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.progress).toBeGreaterThan(seen[i - 1]!.progress);
    // Without a progressToken the answer is plain JSON (checked on the wire).
    const plain = await postMcp(
      h.app,
      { authorization: `Bearer ${await h.human('bob@example.com')}` },
      { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
    );
    expect(plain.headers.get('content-type')).toMatch(/application\/json/);
    ok(await h.call(bot, 'cancel_request', { request_id: r.request.id }));
  });

  it('get_credentials is off by default and explains exec instead (not an error)', async () => {
    await h.setTier('agent:coder', 3);
    const r = ok(await h.ask(bot, { role: 'ReadOnlyAccess', reason: 'logs' }));
    expect(r.request.state).toBe('ACTIVE');
    const res = await h.call(bot, 'get_credentials', { request_id: r.request.id });
    expect(res.isError).toBeFalsy();
    expect(res.structuredContent).toMatchObject({ request_id: r.request.id, disclosed: false });
    expect(res.structuredContent!.credentials).toBeUndefined();
    expect(textOf(res)).toMatch(/exec_with_access/);
    expect(textOf(res)).toMatch(/jitsudo exec/);
    ok(await h.call(bot, 'release_access', { request_id: r.request.id }));
  });

  it('list_my_requests pages with next_page_token and never shows anyone else’s requests', async () => {
    const first = ok(await h.call(bot, 'list_my_requests', { page_size: 2 }));
    expect(first.requests).toHaveLength(2);
    expect(first.next_page_token).toEqual(expect.any(String));
    const second = ok(
      await h.call(bot, 'list_my_requests', { page_size: 2, page_token: first.next_page_token }),
    );
    const ids = [...first.requests, ...second.requests].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const everyone = ok(await h.call(bot, 'list_my_requests', { page_size: 100 }));
    expect(
      everyone.requests.every(
        (r: { requester: { identity: string } }) => r.requester.identity === 'agent:coder',
      ),
    ).toBe(true);
  });

  it('no tool result in this file contains a credential or token', async () => {
    const bodies = await h.bodies();
    expect(bodies.length).toBeGreaterThan(20);
    expect(bodies.filter((b) => SECRET_PATTERN.test(b))).toEqual([]);
  });
});
