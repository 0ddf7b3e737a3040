/**
 * N-of-M approvals (ADR 0044) through the core: the quorum and approver groups come from the
 * approval policy at creation (here: the request's metadata `quorum` and `groups`, read by a test
 * policy), distinct approvers count once each, any eligible deny rejects, and exactly one approval
 * — under any concurrency — moves the request on and grants.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sqlRows } from '../../../src/core/db/client.js';
import { AppError } from '../../../src/core/errors.js';
import type { ApprovalDecision, PolicyInput, PolicySet } from '../../../src/core/policy/types.js';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { testDatabases } from '../../helpers/db.js';
import {
  agent,
  auditActions,
  auditRows,
  type Harness,
  human,
  testPolicies,
  uniq,
  useHarness,
} from './fixtures.js';

/**
 * testPolicies() plus the quorum from metadata, and — with metadata `other_team: yes` — a rule on
 * the approvals so far: nobody may approve who shares a group with an earlier approver.
 */
function quorumPolicies(): PolicySet {
  const base = testPolicies();
  return {
    ...base,
    approval(input: PolicyInput): ApprovalDecision {
      const d = base.approval(input);
      const m = input.request.metadata;
      const earlier = input.context.approvals ?? [];
      if (input.context.requester && m.other_team === 'yes') {
        const clash = earlier.some((a) => a.groups.some((g) => input.user.groups.includes(g)));
        if (clash) {
          const reason = 'the next approver must be from another team';
          return { ...d, allow: false, reason, reasons: [reason] };
        }
      }
      return {
        ...d,
        approvalsRequired: m.quorum ? Number(m.quorum) : 1,
        approverGroups: m.groups ? m.groups.split(',') : [],
      };
    },
  };
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
  return 'OK';
};

async function approvalCount(h: Harness, id: string): Promise<number> {
  const [r] = await sqlRows<{ n: number }>(
    h.db,
    sql`select count(*)::int as n from approvals where request_id = ${id}`,
  );
  return Number(r!.n);
}

describe.each(testDatabases())('quorum approvals on %s', (driver) => {
  const h = useHarness(driver, { policies: quorumPolicies(), poolSize: 20 });
  const ask = (metadata: Record<string, string>, who = human(uniq('alice'), ['sre'])) =>
    h.ask(who, { metadata }).then((r) => ({ r, who }));

  it('2 of 2: the first approval is recorded and leaves it PENDING, the second approves and grants once', async () => {
    const { r, who } = await ask({ quorum: '2' });
    expect(r).toMatchObject({ state: 'PENDING', approvals_required: 2, approved_by: [] });
    const grants = h.mock.calls.grant;
    const bob = human(uniq('bob'));
    const carol = human(uniq('carol'));
    const first = await h.core.approveRequest(bob, { id: r.id, comment: 'one' });
    expect(first).toMatchObject({ state: 'PENDING', approvals_required: 2, approved_by: [bob.identity] });
    expect(h.mock.calls.grant).toBe(grants);
    const second = await h.core.approveRequest(carol, { id: r.id });
    expect(second.state).toBe('ACTIVE');
    expect(second.approved_by).toEqual([bob.identity, carol.identity]);
    expect(h.mock.calls.grant - grants).toBe(1);
    expect(await auditActions(h.db, r.id)).toEqual([
      'request.created',
      'request.approval_recorded',
      'request.approved',
      'grant.issued',
    ]);
    const rows = await auditRows(h.db, r.id);
    expect(rows[0]!.details).toMatchObject({ approvals_required: 2 });
    expect(rows[1]!.details).toMatchObject({ approvals: 1, approvals_required: 2, comment: 'one' });
    expect(rows[2]!.details).toMatchObject({ approvals: 2, approvals_required: 2 });
    expect((await h.core.getRequest(who, { id: r.id })).approved_by).toEqual([bob.identity, carol.identity]);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('the same person approving twice is refused with CONFLICT; only the refusal is written (audited)', async () => {
    const { r } = await ask({ quorum: '3' });
    const bob = human(uniq('bob'));
    await h.core.approveRequest(bob, { id: r.id });
    const audit = (await auditActions(h.db, r.id)).length;
    const err = await h.core.approveRequest(bob, { id: r.id }).catch((e: AppError) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'CONFLICT', details: { approvals: 1, approvals_required: 3 } });
    expect((err as AppError).message).toMatch(/already approved/);
    // Case does not make another person.
    const shouting = human(bob.identity.toUpperCase());
    expect(await codeOf(h.core.approveRequest(shouting, { id: r.id }))).toBe('CONFLICT');
    expect(await approvalCount(h, r.id)).toBe(1);
    expect((await auditActions(h.db, r.id)).slice(audit)).toEqual([
      'request.decision_refused',
      'request.decision_refused',
    ]);
    expect((await auditRows(h.db, r.id)).at(-1)!.details).toMatchObject({
      attempted: 'approve',
      code: 'CONFLICT',
    });
    const view = await h.core.getRequest(bob, { id: r.id });
    expect(view).toMatchObject({ state: 'PENDING', approved_by: [bob.identity] });
  });

  it('the same person approving twice at once: one approval, one refusal audited (under the lock or before it), an intact chain', async () => {
    const { r } = await ask({ quorum: '3' });
    const bob = human(uniq('bob'));
    const results = await Promise.allSettled([
      h.core.approveRequest(bob, { id: r.id }),
      h.core.approveRequest(bob, { id: r.id }),
    ]);
    expect(results.map((x) => x.status).sort()).toEqual(['fulfilled', 'rejected']);
    const failed = results.find((x): x is PromiseRejectedResult => x.status === 'rejected')!;
    expect(failed.reason).toMatchObject({ code: 'CONFLICT' });
    expect(await approvalCount(h, r.id)).toBe(1);
    expect(await auditActions(h.db, r.id)).toEqual([
      'request.created',
      'request.approval_recorded',
      'request.decision_refused',
    ]);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('a deny after one approval rejects the request', async () => {
    const { r } = await ask({ quorum: '2' });
    await h.core.approveRequest(human(uniq('bob')), { id: r.id });
    const denied = await h.core.denyRequest(human(uniq('dave')), { id: r.id, reason: 'no' });
    expect(denied.state).toBe('REJECTED');
    expect(await codeOf(h.core.approveRequest(human(uniq('carol')), { id: r.id }))).toMatch(
      /CONFLICT|NOT_FOUND/,
    );
    expect(await auditActions(h.db, r.id)).toEqual([
      'request.created',
      'request.approval_recorded',
      'request.denied',
    ]);
  });

  it('approvers outside approver_groups neither see, approve nor deny it; members do', async () => {
    const { r } = await ask({ quorum: '1', groups: 'db-owners,sre-leads' });
    expect(r.approver_groups).toEqual(['db-owners', 'sre-leads']);
    const outsider = human(uniq('eve'), ['sre']);
    expect(await codeOf(h.core.approveRequest(outsider, { id: r.id }))).toBe('NOT_FOUND');
    expect(await codeOf(h.core.denyRequest(outsider, { id: r.id, reason: 'x' }))).toBe('NOT_FOUND');
    const pending = await h.core.listRequests(outsider, { pending: true, page_size: 500 });
    expect(pending.requests.map((x) => x.id)).not.toContain(r.id);
    // An admin sees every request, but deciding still needs the group.
    const admin = human(uniq('root'), [], true);
    const err = await h.core.approveRequest(admin, { id: r.id }).catch((e: AppError) => e);
    expect(err).toMatchObject({
      code: 'FORBIDDEN',
      details: { approver_groups: ['db-owners', 'sre-leads'] },
    });
    expect(await approvalCount(h, r.id)).toBe(0);
    const member = human(uniq('olga'), ['sre-leads']);
    expect(
      (await h.core.listRequests(member, { pending: true, page_size: 500 })).requests.map((x) => x.id),
    ).toContain(r.id);
    expect((await h.core.approveRequest(member, { id: r.id })).state).toBe('ACTIVE');
  });

  it('the requester never counts, and an agent counts for its owner: one approver, not two', async () => {
    const { r, who } = await ask({ quorum: '2' });
    expect(await codeOf(h.core.approveRequest(who, { id: r.id }))).toBe('FORBIDDEN');
    // An AI-reviewed request (an agent asks to write): a person and their own reviewer agent are one party.
    const bot = agent(uniq('bot'), uniq('owner'), ['sre']);
    const ai = await h.ask(bot, { role: 'deployer', reason: 'deploy', metadata: { quorum: '2' } });
    expect(ai.approver_tier).toBe('ai_review');
    const bob = human(uniq('bob'));
    const bobsReviewer = agent(uniq('reviewer'), bob.identity, [], ['ai-reviewer']);
    await h.core.approveRequest(bob, { id: ai.id });
    const err = await h.core
      .approveRequest(bobsReviewer, { id: ai.id, comment: 'fine by me' })
      .catch((e: AppError) => e);
    expect(err).toMatchObject({ code: 'CONFLICT' });
    const other = agent(uniq('reviewer'), uniq('zoe'), [], ['ai-reviewer']);
    const done = await h.core.approveRequest(other, { id: ai.id, comment: 'fine' });
    expect(done.state).toBe('ACTIVE');
    expect(done.approved_by).toEqual([bob.identity, other.identity]);
  });

  it("an agent's creator and the agent are one approver, whichever approves first", async () => {
    // ADR 0034: whoever registered an agent holds its token as much as its owner does.
    const carol = human(uniq('carol'));
    const zoe = human(uniq('zoe'));
    const ownedByZoeMadeByCarol = (): typeof carol => {
      const a = agent(uniq('reviewer'), zoe.identity, [], ['ai-reviewer']);
      return { ...a, agent: { ...a.agent!, createdBy: carol.identity } };
    };
    const bot = agent(uniq('bot'), uniq('owner'), ['sre']);
    // Carol first, then the agent she registered: refused, nothing written.
    const first = await h.ask(bot, { role: 'deployer', reason: 'deploy', metadata: { quorum: '2' } });
    await h.core.approveRequest(carol, { id: first.id });
    const reviewer = ownedByZoeMadeByCarol();
    const err = await h.core.approveRequest(reviewer, { id: first.id, comment: 'ok' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'CONFLICT' });
    expect(await approvalCount(h, first.id)).toBe(1);
    // The agent first, then Carol: refused too; Zoe (its owner) as well.
    const second = await h.ask(bot, { role: 'deployer', reason: 'deploy', metadata: { quorum: '2' } });
    await h.core.approveRequest(ownedByZoeMadeByCarol(), { id: second.id, comment: 'ok' });
    expect(await codeOf(h.core.approveRequest(carol, { id: second.id }))).toBe('CONFLICT');
    expect(await codeOf(h.core.approveRequest(zoe, { id: second.id }))).toBe('CONFLICT');
    const [row] = await sqlRows<{ party: string[] }>(
      h.db,
      sql`select actor_party as party from approvals where request_id = ${second.id}`,
    );
    const expected = [carol.identity, zoe.identity].map((x) => x.toLowerCase());
    expect(row!.party).toHaveLength(3);
    expect(row!.party).toEqual(
      expect.arrayContaining([...expected, expect.stringMatching(/^agent:reviewer-/)]),
    );
    // Someone else entirely makes the quorum.
    expect((await h.core.approveRequest(human(uniq('dan')), { id: second.id })).state).toBe('ACTIVE');
  });

  it('the policy sees the approvals so far: a second approver from the same team is refused', async () => {
    const { r } = await ask({ quorum: '2', other_team: 'yes' });
    await h.core.approveRequest(human(uniq('bob'), ['team-x']), { id: r.id });
    const sameTeam = human(uniq('carl'), ['team-x']);
    expect(await codeOf(h.core.approveRequest(sameTeam, { id: r.id }))).toMatch(/POLICY_DENIED|NOT_FOUND/);
    expect((await h.core.getRequest(human(uniq('root'), [], true), { id: r.id })).state).toBe('PENDING');
    const done = await h.core.approveRequest(human(uniq('dana'), ['team-y']), { id: r.id });
    expect(done.state).toBe('ACTIVE');
  });

  it('"awaiting me" leaves out what I approved already, though I still see it', async () => {
    const { r } = await ask({ quorum: '2' });
    const bob = human(uniq('bob'));
    const carol = human(uniq('carol'));
    const before = await h.core.listRequests(bob, { pending: true, page_size: 500 });
    expect(before.requests.map((x) => x.id)).toContain(r.id);
    await h.core.approveRequest(bob, { id: r.id });
    const after = await h.core.listRequests(bob, { pending: true, page_size: 500 });
    expect(after.requests.map((x) => x.id)).not.toContain(r.id);
    expect((await h.core.getRequest(bob, { id: r.id })).state).toBe('PENDING');
    const forCarol = await h.core.listRequests(carol, { pending: true, page_size: 500 });
    expect(forCarol.requests.find((x) => x.id === r.id)?.approved_by).toEqual([bob.identity]);
  });

  it('50 parallel approvals with N=2: one transition, one grant, two approval rows, one intact chain', async () => {
    const { r, who } = await ask({ quorum: '2' });
    const grants = h.mock.calls.grant;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => h.core.approveRequest(human(uniq(`approver${i}`)), { id: r.id })),
    );
    const ok = results.filter((x) => x.status === 'fulfilled');
    expect(ok).toHaveLength(2);
    for (const f of results)
      if (f.status === 'rejected') expect(['CONFLICT', 'NOT_FOUND']).toContain((f.reason as AppError).code);
    expect(h.mock.calls.grant - grants).toBe(1);
    const final = await h.core.getRequest(who, { id: r.id });
    expect(final.state).toBe('ACTIVE');
    expect(final.approvals).toHaveLength(2);
    expect(final.approved_by).toHaveLength(2);
    expect(await auditActions(h.db, r.id)).toEqual([
      'request.created',
      'request.approval_recorded',
      'request.approved',
      'grant.issued',
    ]);
    // Every approval row has its audit event, by the same approver.
    const rows = await auditRows(h.db, r.id);
    expect(rows.filter((x) => x.action.startsWith('request.appro')).map((x) => x.actor)).toEqual(
      final.approvals.map((a) => a.approver),
    );
    expect(await brokenAuditRow(h.db)).toBeNull();
  });
});
