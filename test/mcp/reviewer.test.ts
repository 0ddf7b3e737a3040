/**
 * The AI reviewer surface: who sees which tools, reasoning stored and covered by the audit hash,
 * tier and owner-chain rules, the approval policy applied to agents, and auto-escalation.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalateOverdueReviews } from '../../src/core/requests/sweep-pending.js';
import { brokenAuditRow } from '../helpers/audit-chain.js';
import { testDatabases } from '../helpers/db.js';
import { errorOf, ok, textOf } from '../helpers/mcp-client.js';
import { SECRET_PATTERN } from '../helpers/mock-secrets.js';
import { type McpHarness, startMcpHarness } from './support/harness.js';

const REVIEWER_TOOLS = [
  'list_pending_ai_review',
  'get_request_details',
  'approve_request',
  'deny_request',
  'escalate_to_human',
];

describe.each(testDatabases())('MCP AI reviewer tools on %s', (driver) => {
  let h: McpHarness;
  let coder: Client; // agent:coder, owned by alice
  let sibling: Client; // agent:helper, also owned by alice
  let reviewer: Client; // agent:rev, owned by rita, ai-reviewer only
  let aliceRev: Client; // agent:alice-rev, owned by alice, ai-reviewer only
  const ask = async (c: Client, scope = 'dev', role = 'deployer') =>
    ok(await h.ask(c, { role, scope, reason: `deploy to ${scope}` })).request;

  beforeAll(async () => {
    h = await startMcpHarness(driver);
    coder = await h.client((await h.agent('coder', 'alice@example.com')).token);
    sibling = await h.client((await h.agent('helper', 'alice@example.com')).token);
    reviewer = await h.client((await h.agent('rev', 'rita@example.com', ['ai-reviewer'])).token);
    aliceRev = await h.client((await h.agent('alice-rev', 'alice@example.com', ['ai-reviewer'])).token);
  });
  afterAll(() => h?.close());

  it('an ai-reviewer token lists only the reviewer tools; a requester token none of them; both rights, both sets', async () => {
    expect((await reviewer.listTools()).tools.map((t) => t.name)).toEqual(REVIEWER_TOOLS);
    const coderTools = (await coder.listTools()).tools.map((t) => t.name);
    expect(coderTools.some((t) => REVIEWER_TOOLS.includes(t))).toBe(false);
    const both = await h.client(
      (await h.agent('both', 'rita@example.com', ['requester', 'ai-reviewer'])).token,
    );
    expect((await both.listTools()).tools).toHaveLength(9 + REVIEWER_TOOLS.length);
    // A person's token never gets the reviewer surface, admins included.
    const root = await h.client(await h.human('root@example.com', ['jitsudo-admins']));
    expect((await root.listTools()).tools.some((t) => REVIEWER_TOOLS.includes(t.name))).toBe(false);
    // Calling a tool you were not given is an error, not a decision.
    const r = await h.call(coder, 'approve_request', {
      request_id: 'req_01J9Z7X3R4T5V6W7X8Y9Z0ABCD',
      reasoning: 'x',
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/not found/i);
  });

  it('list → details → approve with reasoning: stored on the approval and in the hashed audit row', async () => {
    const req = await ask(coder);
    const pending = ok(await h.call(reviewer, 'list_pending_ai_review'));
    expect(pending.requests.map((r: { id: string }) => r.id)).toContain(req.id);
    const details = ok(await h.call(reviewer, 'get_request_details', { request_id: req.id }));
    expect(details.request).toMatchObject({
      id: req.id,
      requester: { agent: { owner: 'alice@example.com' } },
    });
    const approved = ok(
      await h.call(reviewer, 'approve_request', {
        request_id: req.id,
        reasoning: 'dev deploy, 1 h, matches the stated task',
        risk: 'low',
      }),
    );
    expect(approved.request.state).toBe('ACTIVE');
    expect(approved.request.approvals.at(-1)).toMatchObject({
      approver: 'agent:rev',
      approver_kind: 'agent',
      on_behalf_of: 'rita@example.com',
      decision: 'approved',
      reasoning: { text: 'dev deploy, 1 h, matches the stated task', risk: 'low' },
    });
    const [row] = await h.sql(
      `select reasoning from approvals where request_id = '${req.id}' and actor_identity = 'agent:rev'`,
    );
    expect(row!.reasoning).toEqual({ text: 'dev deploy, 1 h, matches the stated task', risk: 'low' });
    const [audit] = await h.audit(`request_id = '${req.id}' and action = 'request.approved'`);
    expect(audit).toMatchObject({
      actor: 'agent:rev',
      on_behalf_of: 'rita@example.com',
      details: { reasoning: { text: 'dev deploy, 1 h, matches the stated task', risk: 'low' } },
    });
    expect(await brokenAuditRow(h.db.db)).toBeNull();
    // The details view never carries credentials or the provider's revoke handle (checked for every result below).
    const after = await h.call(reviewer, 'get_request_details', { request_id: req.id });
    expect(textOf(after)).not.toMatch(SECRET_PATTERN);
    ok(await h.call(coder, 'release_access', { request_id: req.id }));
  });

  it('deny and escalate carry reasoning too; an escalated request is no longer the reviewer’s', async () => {
    const a = await ask(coder);
    const denied = ok(
      await h.call(reviewer, 'deny_request', { request_id: a.id, reasoning: 'no ticket, vague reason' }),
    );
    expect(denied.request).toMatchObject({ state: 'REJECTED' });
    expect(denied.request.approvals.at(-1)).toMatchObject({
      comment: 'no ticket, vague reason',
      reasoning: { text: 'no ticket, vague reason' },
    });
    const b = await ask(coder);
    const esc = ok(
      await h.call(reviewer, 'escalate_to_human', {
        request_id: b.id,
        reasoning: 'unsure about the blast radius',
      }),
    );
    expect(esc.request).toMatchObject({ state: 'PENDING', approver_tier: 'human' });
    const [audit] = await h.audit(`request_id = '${b.id}' and action = 'request.escalated'`);
    expect(audit!.details).toMatchObject({ reasoning: { text: 'unsure about the blast radius' } });
    const again = errorOf(
      await h.call(reviewer, 'approve_request', { request_id: b.id, reasoning: 'ok now' }),
    );
    expect(again.code).toBe('FORBIDDEN');
    ok(await h.call(coder, 'cancel_request', { request_id: b.id }));
  });

  it('never within its own owner chain: not its owner’s agents, and it never sees them in its queue', async () => {
    const req = await ask(coder);
    const list = ok(await h.call(aliceRev, 'list_pending_ai_review'));
    expect(list.requests.map((r: { id: string }) => r.id)).not.toContain(req.id);
    const before = await h.counts();
    const e = errorOf(
      await h.call(aliceRev, 'approve_request', { request_id: req.id, reasoning: 'looks fine' }),
    );
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toMatch(/owner/);
    expect(
      errorOf(await h.call(aliceRev, 'deny_request', { request_id: req.id, reasoning: 'no' })).code,
    ).toBe('FORBIDDEN');
    // Nothing written but the two refusals' audit rows (ADR 0047).
    expect(await h.counts()).toEqual({ ...before, audit_events: before.audit_events! + 2 });
    expect(
      (await h.audit(`request_id = '${req.id}' and action = 'request.decision_refused'`)).map(
        (r) => r.details.attempted,
      ),
    ).toEqual(['approve', 'deny']);
    // A sibling agent's request and the owner's own are out of bounds for the same reason.
    const sib = await ask(sibling);
    expect(
      errorOf(await h.call(aliceRev, 'approve_request', { request_id: sib.id, reasoning: 'x' })).code,
    ).toBe('FORBIDDEN');
    ok(await h.call(coder, 'cancel_request', { request_id: req.id }));
    ok(await h.call(sibling, 'cancel_request', { request_id: sib.id }));
  });

  it('only ai_review requests: a human-tier request is invisible to the reviewer', async () => {
    const bob = await h.client(await h.human('bob@example.com'));
    const req = ok(await h.ask(bob, { role: 'ReadOnlyAccess', reason: 'logs' })).request;
    expect(req.approver_tier).toBe('human');
    const list = ok(await h.call(reviewer, 'list_pending_ai_review'));
    expect(list.requests.map((r: { id: string }) => r.id)).not.toContain(req.id);
    // Not the reviewer's to see: it looks exactly like a missing request.
    expect(errorOf(await h.call(reviewer, 'get_request_details', { request_id: req.id })).code).toBe(
      'NOT_FOUND',
    );
    expect(
      errorOf(await h.call(reviewer, 'approve_request', { request_id: req.id, reasoning: 'x' })).code,
    ).toBe('NOT_FOUND');
    ok(await h.call(bob, 'cancel_request', { request_id: req.id }));
  });

  it('the approval policy applies to AI reviewers: a rule keeps them out of prod', async () => {
    const req = await ask(coder, 'prod');
    expect(req.approver_tier).toBe('ai_review');
    const list = ok(await h.call(reviewer, 'list_pending_ai_review'));
    expect(list.requests.map((r: { id: string }) => r.id)).not.toContain(req.id);
    // Hidden from it as from get_request_details: approving answers NOT_FOUND and writes nothing.
    const e = errorOf(await h.call(reviewer, 'approve_request', { request_id: req.id, reasoning: 'fine' }));
    expect(e.code).toBe('NOT_FOUND');
    expect(await h.audit(`request_id = '${req.id}' and action = 'approval.denied_by_policy'`)).toEqual([]);
    // Escalation stays possible.
    ok(await h.call(reviewer, 'escalate_to_human', { request_id: req.id, reasoning: 'prod: needs a human' }));
    ok(await h.call(coder, 'cancel_request', { request_id: req.id }));
  });

  it('an undecided ai_review request escalates to humans after requests.ai_review_escalate_after_seconds', async () => {
    const req = await ask(coder);
    expect(await escalateOverdueReviews(h.core.deps, 100)).toBe(0);
    h.advance(h.core.deps.config.requests.ai_review_escalate_after_seconds * 1000 + 1000);
    expect(await escalateOverdueReviews(h.core.deps, 100)).toBeGreaterThanOrEqual(1);
    const got = ok(await h.call(coder, 'get_request', { request_id: req.id }));
    expect(got.request).toMatchObject({ state: 'PENDING', approver_tier: 'human' });
    expect(got.request.approvals.at(-1)).toMatchObject({ approver: 'system', decision: 'escalated' });
    ok(await h.call(coder, 'cancel_request', { request_id: req.id }));
  });

  it('no tool result in this file contains a credential or token', async () => {
    const bodies = await h.bodies();
    expect(bodies.length).toBeGreaterThan(20);
    expect(bodies.filter((b) => SECRET_PATTERN.test(b))).toEqual([]);
  });
});
