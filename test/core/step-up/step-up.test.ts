/**
 * Step-up approvals in core (ADR 0050): the approval policy's `step_up` is fixed on the request at
 * creation; approving it needs an actor whose IdP sign-in is at most approvals.step_up_max_age_seconds
 * old — otherwise FORBIDDEN, audited as request.decision_refused, nothing changed; denying needs no
 * step-up. Links: issued single-use, consumed with the decision, refused when reused, expired,
 * altered or used by someone else.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../../src/core/audit/verify.js';
import { sqlRows } from '../../../src/core/db/client.js';
import { toApprovalDecision } from '../../../src/core/policy/decisions.js';
import { decideByStepUpLink, issueStepUpLink, readStepUpLink } from '../../../src/core/step-up/index.js';
import { testDatabases } from '../../helpers/db.js';
import { appError, auditActions, auditRows, human, uniq, useHarness } from '../requests/fixtures.js';
import { linksOf, signedIn, stepUpPolicies } from './support.js';

const ADMIN = { ...human('root@example.com', ['jitsudo-admins'], true) };

describe('the approval policy step_up rule', () => {
  const fields = (step_up: unknown) =>
    toApprovalDecision({
      allow: true,
      reason: undefined,
      reasons: undefined,
      deny: undefined,
      approver_tier: 'human',
      max_total_duration_seconds: undefined,
      approvals_required: undefined,
      approver_groups: undefined,
      step_up,
    });
  it('reads true/false, undefined as false, and anything else as a POLICY_ERROR (fail closed)', () => {
    expect(fields(true).stepUp).toBe(true);
    expect(fields(false).stepUp).toBe(false);
    expect(fields(undefined).stepUp).toBe(false);
    for (const bad of ['true', 1, [], {}]) {
      try {
        fields(bad);
        throw new Error('accepted');
      } catch (e) {
        expect((e as { code?: string }).code).toBe('POLICY_ERROR');
      }
    }
  });
});

describe.each(testDatabases())('step-up in core on %s', (driver) => {
  const h = useHarness(driver, { policies: stepUpPolicies() });
  const stateOf = async (id: string) =>
    (await sqlRows<{ state: string }>(h.db, sql`select state from requests where id = ${id}`))[0]!.state;
  const approvalsOf = async (id: string) =>
    (
      await sqlRows<{ n: number }>(
        h.db,
        sql`select count(*)::int as n from approvals where request_id = ${id}`,
      )
    )[0]!.n;

  it('stores step_up at creation and shows it in the view and the created event', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    expect(r.step_up).toBe(true);
    const plain = await h.ask(alice);
    expect(plain.step_up).toBe(false);
    const row = await sqlRows<{ step_up: boolean }>(
      h.db,
      sql`select step_up from requests where id = ${r.id}`,
    );
    expect(row[0]!.step_up).toBe(true);
    const created = (await auditRows(h.db, r.id)).find((a) => a.action === 'request.created');
    expect(created?.details).toMatchObject({ step_up: true });
    expect((await h.core.getRequest(alice, { id: r.id })).step_up).toBe(true);
  });

  it('refuses an approval with a stale sign-in or none (audited, nothing changed); a fresh one approves', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const bob = human(uniq('bob'));
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    const now = h.clock.now();
    for (const who of [bob, signedIn(bob, now, 301), signedIn(bob, now, -3600)]) {
      const e = await appError(h.core.approveRequest(who, { id: r.id }));
      expect(e.code).toBe('FORBIDDEN');
      expect(e.message).toContain('needs a fresh sign-in');
      expect(e.message).toContain('jitsudo login');
    }
    expect(await stateOf(r.id)).toBe('PENDING');
    expect(await approvalsOf(r.id)).toBe(0);
    const refused = (await auditRows(h.db, r.id)).filter((a) => a.action === 'request.decision_refused');
    expect(refused).toHaveLength(3);
    expect(refused[0]!.actor).toBe(bob.identity);
    expect(refused[0]!.details).toMatchObject({ attempted: 'approve', code: 'FORBIDDEN' });
    const v = await h.core.approveRequest(signedIn(bob, now, 299), { id: r.id });
    expect(v.state).toBe('ACTIVE');
    expect((await verifyAudit(h.core.deps, ADMIN, {})).ok).toBe(true);
  });

  it('the max age is config: approvals.step_up_max_age_seconds', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const bob = human(uniq('bob'));
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    const deps = {
      ...h.core.deps,
      config: {
        ...h.core.deps.config,
        approvals: { step_up_max_age_seconds: 60, step_up_link_seconds: 300 },
      },
    };
    const { approveRequest } = await import('../../../src/core/requests/approve.js');
    const e = await appError(approveRequest(deps, signedIn(bob, h.clock.now(), 61), { id: r.id }));
    expect(e.code).toBe('FORBIDDEN');
    expect((await approveRequest(deps, signedIn(bob, h.clock.now(), 59), { id: r.id })).state).toBe('ACTIVE');
  });

  it('a denial needs no step-up, and requests without step_up need no fresh sign-in', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const bob = human(uniq('bob'));
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    expect((await h.core.denyRequest(bob, { id: r.id, reason: 'no' })).state).toBe('REJECTED');
    const plain = await h.ask(alice);
    expect((await h.core.approveRequest(bob, { id: plain.id })).state).toBe('ACTIVE');
  });

  it('a link decides once: approve through it, then its reuse is refused and audited, nothing changed', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const bob = human(uniq('bob'));
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    const link = await issueStepUpLink(h.core.deps, bob, { id: r.id, decision: 'approve' });
    expect(link).not.toBeNull();
    expect(await auditActions(h.db, r.id)).toContain('request.step_up_link_issued');
    expect(JSON.stringify(await auditRows(h.db, r.id))).not.toContain(link!.token);
    expect(await linksOf(h.db, r.id)).toMatchObject([
      { principal: bob.identity, decision: 'approve', used: false },
    ]);
    const fresh = signedIn(bob, h.clock.now(), 5);
    const v = await decideByStepUpLink(h.core.deps, fresh, { token: link!.token, decision: 'approve' });
    expect(v.state).toBe('ACTIVE');
    expect((await linksOf(h.db, r.id))[0]!.used).toBe(true);
    const before = (await auditRows(h.db, r.id)).length;
    const e = await appError(
      decideByStepUpLink(h.core.deps, fresh, { token: link!.token, decision: 'approve' }),
    );
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('used already');
    const after = await auditRows(h.db, r.id);
    expect(after.slice(before).map((a) => a.action)).toEqual(['request.decision_refused']);
    expect(await approvalsOf(r.id)).toBe(1);
  });

  it('refuses an expired link, an altered one, and one used by someone else (audited); denies through a link', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const bob = human(uniq('bob'));
    const carol = human(uniq('carol'));
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    const link = (await issueStepUpLink(h.core.deps, bob, { id: r.id, decision: 'approve' }))!;
    // Altered: one character of the mac or the id changed → refused before the database is asked.
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (const bad of [
      flip(link.token, 3),
      flip(link.token, link.token.length - 2),
      `${link.token}x`,
      'nope',
    ]) {
      const e = await appError(readStepUpLink(h.core.deps, bad));
      expect(e.code).toBe('VALIDATION');
    }
    // Someone else signs in with bob's link.
    const e1 = await appError(
      decideByStepUpLink(h.core.deps, signedIn(carol, h.clock.now(), 1), {
        token: link.token,
        decision: 'approve',
      }),
    );
    expect(e1.code).toBe('FORBIDDEN');
    const refused = (await auditRows(h.db, r.id)).filter((a) => a.action === 'request.decision_refused');
    expect(refused.map((a) => a.actor)).toEqual([carol.identity]);
    // Denial through a fresh link.
    const link2 = (await issueStepUpLink(h.core.deps, bob, { id: r.id, decision: 'approve' }))!;
    const d = await decideByStepUpLink(h.core.deps, signedIn(bob, h.clock.now(), 1), {
      token: link2.token,
      decision: 'deny',
      comment: 'not today',
    });
    expect(d.state).toBe('REJECTED');
    expect(d.approvals.at(-1)).toMatchObject({ decision: 'denied', comment: 'not today' });
    expect(await stateOf(r.id)).toBe('REJECTED');
    // Expiry: the link outlives approvals.step_up_link_seconds only on a moved clock.
    const r2 = await h.ask(alice, { metadata: { step_up: 'yes' } });
    const link3 = (await issueStepUpLink(h.core.deps, bob, { id: r2.id, decision: 'approve' }))!;
    h.clock.advance(301_000);
    const e2 = await appError(
      decideByStepUpLink(h.core.deps, signedIn(bob, h.clock.now(), 1), {
        token: link3.token,
        decision: 'approve',
      }),
    );
    expect(e2.code).toBe('CONFLICT');
    expect(e2.message).toContain('expired');
    expect(await stateOf(r2.id)).toBe('PENDING');
    expect(await auditActions(h.db, r2.id)).toContain('request.decision_refused');
  });

  it('one link used twice at once decides once: one approval, one refusal (under the link row lock)', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const bob = human(uniq('bob'));
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    const link = (await issueStepUpLink(h.core.deps, bob, { id: r.id, decision: 'approve' }))!;
    const fresh = signedIn(bob, h.clock.now(), 1);
    const out = await Promise.allSettled(
      (['approve', 'deny'] as const).map((decision) =>
        decideByStepUpLink(h.core.deps, fresh, { token: link.token, decision }),
      ),
    );
    expect(out.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failed = out.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason.code).toBe('CONFLICT');
    expect(await approvalsOf(r.id)).toBe(1);
    expect((await verifyAudit(h.core.deps, ADMIN, {})).ok).toBe(true);
  });

  it('hands out no link for a request that needs no step-up, nor to an agent', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const bob = human(uniq('bob'));
    const plain = await h.ask(alice);
    expect(await issueStepUpLink(h.core.deps, bob, { id: plain.id, decision: 'approve' })).toBeNull();
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    const e = await appError(
      issueStepUpLink(
        h.core.deps,
        { ...bob, kind: 'agent', identity: 'agent:x' },
        { id: r.id, decision: 'approve' },
      ),
    );
    expect(e.code).toBe('FORBIDDEN');
  });
});
