/**
 * Decisions meet the request's deadlines under the row lock, whether or not the sweeper has run:
 * past pending_expires_at nobody decides any more, past escalate_at no AI reviewer does, and the
 * transition the sweeper would make happens in the refusing call. And a deciding verb on a request
 * the caller may not see answers exactly as getRequest does, writing nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/actor.js';
import { escalateOverdueReviews, expireStalePending } from '../../../src/core/requests/sweep-pending.js';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { testDatabases } from '../../helpers/db.js';
import {
  agent,
  appError,
  auditActions,
  auditRows,
  type Harness,
  human,
  uniq,
  useHarness,
} from './fixtures.js';

const SECOND = 1000;

type Verb = 'approve' | 'deny' | 'escalate';
const decide = (h: Harness, verb: Verb, who: Actor, id: string) =>
  verb === 'approve'
    ? h.core.approveRequest(who, { id, comment: 'ok' })
    : verb === 'deny'
      ? h.core.denyRequest(who, { id, reason: 'no' })
      : h.core.escalateRequest(who, { id, comment: 'a human should look' });

describe.each(testDatabases())('late decisions on %s', (driver) => {
  const h = useHarness(driver);
  const ttl = () => h.core.deps.config.requests.pending_ttl_seconds * SECOND;
  const reviewWindow = () => h.core.deps.config.requests.ai_review_escalate_after_seconds * SECOND;
  const reviewer = () => agent(uniq('rev'), uniq('rev-owner'), [], ['ai-reviewer']);
  const agentAsk = () =>
    h.ask(agent(uniq('bot'), uniq('owner'), ['sre']), { role: 'deployer', reason: 'deploy' });

  it.each(['approve', 'deny'] as const)(
    '%s after pending_expires_at, the sweeper not run yet: CONFLICT, and the request is EXPIRED by the call',
    async (verb) => {
      const alice = human(uniq('alice'), ['sre']);
      const r = await h.ask(alice);
      h.clock.advance(ttl());
      const e = await appError(decide(h, verb, human(uniq('bob')), r.id));
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toBe(
        `request ${r.id} expired at ${r.pending_expires_at} without a decision; it can no longer be ${verb === 'approve' ? 'approved' : 'denied'}`,
      );
      expect(e.details).toEqual({ state: 'EXPIRED', pending_expires_at: r.pending_expires_at });
      // The refusal did not roll back the sweeper's transition: it is committed, with its audit row.
      const after = await h.core.getRequest(alice, { id: r.id });
      expect(after).toMatchObject({ state: 'EXPIRED', end_reason: 'pending_timeout', approvals: [] });
      expect(await auditActions(h.db, r.id)).toEqual(['request.created', 'request.expired']);
      const [, expired] = await auditRows(h.db, r.id);
      expect(expired).toMatchObject({ actor: 'system', actor_kind: 'system', outcome: 'success' });
      // Nothing left for the sweeper on this request.
      await expireStalePending(h.core.deps, 1000);
      expect(await auditActions(h.db, r.id)).toEqual(['request.created', 'request.expired']);
      expect(await brokenAuditRow(h.db)).toBeNull();
    },
  );

  it('the deadline is the sweeper’s: a decision 1 ms before pending_expires_at stands', async () => {
    const r = await h.ask(human(uniq('alice'), ['sre']));
    h.clock.advance(ttl() - 1);
    expect((await h.core.denyRequest(human(uniq('bob')), { id: r.id, reason: 'no' })).state).toBe('REJECTED');
  });

  it.each(['approve', 'deny', 'escalate'] as const)(
    'an AI reviewer’s %s after escalate_at: CONFLICT, and the call escalates the request to humans',
    async (verb) => {
      const r = await agentAsk();
      expect(r.approver_tier).toBe('ai_review');
      // escalate_at and pending_expires_at are both counted from creation.
      const at = new Date(Date.parse(r.pending_expires_at!) - ttl() + reviewWindow()).toISOString();
      h.clock.advance(reviewWindow());
      const e = await appError(decide(h, verb, reviewer(), r.id));
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toContain(`the AI review window of request ${r.id} closed at ${at}`);
      expect(e.details).toEqual({ state: 'PENDING', approver_tier: 'human', escalate_at: at });
      const after = await h.core.getRequest(human('root@example.com', [], true), { id: r.id });
      expect(after).toMatchObject({ state: 'PENDING', approver_tier: 'human' });
      expect(after.approvals).toMatchObject([{ approver: 'system', decision: 'escalated' }]);
      expect(await auditActions(h.db, r.id)).toEqual(['request.created', 'request.escalated']);
      expect((await auditRows(h.db, r.id))[1]).toMatchObject({ actor: 'system' });
      await escalateOverdueReviews(h.core.deps, 1000);
      expect(await auditActions(h.db, r.id)).toEqual(['request.created', 'request.escalated']);
      // The human tier still decides it.
      expect((await h.core.approveRequest(human(uniq('dave')), { id: r.id })).state).toBe('ACTIVE');
      expect(await brokenAuditRow(h.db)).toBeNull();
    },
  );

  it('a person deciding an ai_review request after escalate_at: the escalation is recorded, then the decision', async () => {
    const r = await agentAsk();
    h.clock.advance(reviewWindow());
    const a = await h.core.approveRequest(human(uniq('dave')), { id: r.id });
    expect(a).toMatchObject({ state: 'ACTIVE', approver_tier: 'human' });
    expect(a.approvals.map((x) => [x.approver_kind, x.decision])).toEqual([
      ['system', 'escalated'],
      ['human', 'approved'],
    ]);
    expect(await auditActions(h.db, r.id)).toEqual([
      'request.created',
      'request.escalated',
      'request.approved',
      'grant.issued',
    ]);
    const approved = (await auditRows(h.db, r.id)).find((x) => x.action === 'request.approved')!;
    expect(approved.details).toMatchObject({ approver_tier: 'human' });
  });

  it('the sweeper and a late decision make the same transition (same state, approvals and audit)', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const admin = human('root@example.com', [], true);
    const shape = async (id: string) => {
      const v = await h.core.getRequest(admin, { id });
      const audit = (await auditRows(h.db, id)).map((x) => ({
        action: x.action,
        actor: x.actor_kind === 'system' ? x.actor : x.actor_kind,
        details: { ...x.details, pending_expires_at: undefined },
      }));
      return {
        state: v.state,
        tier: v.approver_tier,
        end: v.end_reason,
        approvals: v.approvals.map((x) => [x.approver, x.decision, x.comment]),
        audit,
      };
    };
    // Each late request is made after the sweeper's run, so only the refused decision can move it.
    const sweptAi = await agentAsk();
    h.clock.advance(reviewWindow());
    await escalateOverdueReviews(h.core.deps, 1000);
    const lateAi = await agentAsk();
    h.clock.advance(reviewWindow());
    expect((await appError(decide(h, 'approve', reviewer(), lateAi.id))).code).toBe('CONFLICT');
    expect(await shape(lateAi.id)).toEqual(await shape(sweptAi.id));
    expect((await shape(lateAi.id)).tier).toBe('human');

    const swept = await h.ask(alice);
    h.clock.advance(ttl());
    await expireStalePending(h.core.deps, 1000);
    const late = await h.ask(alice);
    h.clock.advance(ttl());
    expect((await appError(decide(h, 'approve', human(uniq('bob')), late.id))).code).toBe('CONFLICT');
    expect(await shape(late.id)).toEqual(await shape(swept.id));
    expect((await shape(late.id)).state).toBe('EXPIRED');
  });

  it('approve, deny or escalate of a request the caller may not see: NOT_FOUND exactly as getRequest, nothing written', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const carol = human(uniq('carol'));
    const rev = reviewer();
    const done = await h.ask(alice);
    await h.core.denyRequest(human(uniq('bob')), { id: done.id, reason: 'not now' });
    const doneAi = await agentAsk();
    await h.core.approveRequest(reviewer(), { id: doneAi.id, comment: 'fine' });
    const cases: [Actor, string, Verb[]][] = [
      [carol, done.id, ['approve', 'deny']],
      [rev, doneAi.id, ['approve', 'deny', 'escalate']],
    ];
    for (const [who, id, verbs] of cases) {
      const seen = await appError(h.core.getRequest(who, { id }));
      expect(seen.code).toBe('NOT_FOUND');
      const before = await auditActions(h.db, id);
      for (const verb of verbs) {
        const e = await appError(decide(h, verb, who, id));
        expect({ code: e.code, message: e.message, details: e.details }, verb).toEqual({
          code: seen.code,
          message: seen.message,
          details: seen.details,
        });
      }
      expect(await auditActions(h.db, id)).toEqual(before);
    }
  });
});
