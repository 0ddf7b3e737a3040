/**
 * Break-glass review (ADR 0050): an admin of another party, freshly signed in, reviews break-glass
 * access after the fact; `unjustified` revokes a grant still ACTIVE. Stale sign-ins, non-admins and
 * the requester are refused (audited as break_glass.review_refused), and a review link decides once.
 */
import { describe, expect, it } from 'vitest';
import { decideByStepUpLink, issueStepUpLink, reviewBreakGlass } from '../../../src/core/step-up/index.js';
import { testDatabases } from '../../helpers/db.js';
import { setTier } from '../../helpers/principals.js';
import { appError, auditRows, human, uniq, useHarness } from '../requests/fixtures.js';
import { signedIn, stepUpPolicies } from './support.js';

describe.each(testDatabases())('break-glass review on %s', (driver) => {
  const h = useHarness(driver, { policies: stepUpPolicies() });
  const breakGlass = async () => {
    const who = human(uniq('oncall'), ['sre']);
    await setTier(h.db, who.identity, 4);
    const r = await h.ask(who, { break_glass: true, reason: 'INC-1 database down' });
    expect(r.state).toBe('ACTIVE');
    return { who, r };
  };
  const admin = () => human(uniq('sec'), ['jitsudo-admins'], true);
  const reviews = async (id: string) =>
    (await auditRows(h.db, id)).filter((a) => a.action.startsWith('break_glass.review'));

  it('justified: audited, the grant stays; unjustified: revoked', async () => {
    const { r } = await breakGlass();
    const reviewer = signedIn(admin(), h.clock.now(), 10);
    const ok = await reviewBreakGlass(h.core.deps, reviewer, {
      id: r.id,
      outcome: 'justified',
      comment: 'fine',
    });
    expect(ok).toMatchObject({ outcome: 'justified', revoked: false });
    expect(ok.request.state).toBe('ACTIVE');
    const bad = await reviewBreakGlass(h.core.deps, reviewer, {
      id: r.id,
      outcome: 'unjustified',
      comment: 'no incident',
    });
    expect(bad.revoked).toBe(true);
    expect(bad.request.state).toBe('REVOKED');
    const rows = await reviews(r.id);
    expect(rows.map((x) => [x.action, x.actor, x.details.outcome])).toEqual([
      ['break_glass.reviewed', reviewer.identity, 'justified'],
      ['break_glass.reviewed', reviewer.identity, 'unjustified'],
    ]);
    expect((await auditRows(h.db, r.id)).map((a) => a.action)).toContain('request.revoke_requested');
  });

  it('refuses a stale sign-in and the requester (audited, nothing changed), hides it from a non-admin; refuses a request that is not break-glass', async () => {
    const { who, r } = await breakGlass();
    const now = h.clock.now();
    const cases = [
      [admin(), 'fresh sign-in'],
      [signedIn(admin(), now, 301), 'fresh sign-in'],
      [signedIn({ ...who, isAdmin: true, scopes: ['requester', 'admin'] }, now, 1), 'your own party'],
    ] as const;
    for (const [actor, says] of cases) {
      const e = await appError(
        reviewBreakGlass(h.core.deps, actor, { id: r.id, outcome: 'unjustified', comment: 'x' }),
      );
      expect(e.code).toBe('FORBIDDEN');
      expect(e.message).toContain(says);
    }
    const rows = await reviews(r.id);
    expect(rows.map((x) => x.action)).toEqual(Array(3).fill('break_glass.review_refused'));
    // A non-admin cannot even see someone else's grant: NOT_FOUND, as getRequest answers.
    const hidden = await appError(
      reviewBreakGlass(h.core.deps, signedIn(human(uniq('dev')), now, 1), {
        id: r.id,
        outcome: 'unjustified',
        comment: 'x',
      }),
    );
    expect(hidden.code).toBe('NOT_FOUND');
    expect((await h.core.getRequest(who, { id: r.id })).state).toBe('ACTIVE');
    const plain = await h.ask(human(uniq('alice'), ['sre']));
    const e = await appError(
      reviewBreakGlass(h.core.deps, signedIn(admin(), now, 1), {
        id: plain.id,
        outcome: 'justified',
        comment: 'x',
      }),
    );
    expect(e.code).toBe('CONFLICT');
  });

  it('a review link reviews once, as the person who signs in', async () => {
    const { r } = await breakGlass();
    const reviewer = admin();
    const link = (await issueStepUpLink(
      h.core.deps,
      { ...reviewer, groups: [], isAdmin: false },
      { id: r.id, decision: 'review' },
    ))!;
    expect(link).not.toBeNull();
    const fresh = signedIn(reviewer, h.clock.now(), 2);
    const wrong = await appError(
      decideByStepUpLink(h.core.deps, fresh, { token: link.token, decision: 'approve' }),
    );
    expect(wrong.code).toBe('VALIDATION');
    const v = await decideByStepUpLink(h.core.deps, fresh, {
      token: link.token,
      decision: 'justified',
      comment: 'ok',
    });
    expect(v.state).toBe('ACTIVE');
    const again = await appError(
      decideByStepUpLink(h.core.deps, fresh, { token: link.token, decision: 'unjustified' }),
    );
    expect(again.code).toBe('CONFLICT');
    expect((await reviews(r.id)).map((x) => x.action)).toEqual([
      'break_glass.reviewed',
      'break_glass.review_refused',
    ]);
  });
});
