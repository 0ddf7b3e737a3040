/**
 * "Access is cut" and "cleanup is pending" are two states (docs/adr/0033-access-cut-and-cleanup.md):
 * a provider whose revoke cut access but left something behind ends the request at once — REVOKED
 * or EXPIRED, credentials wiped, grant.revoked / grant.expired — and what is left is retried by the
 * sweeper's cleanup job with its own audit events until the provider reports nothing left.
 */
import { describe, expect, it } from 'vitest';
import type { GrantRef, RevokeOutcome } from '../../../src/core/providers/types.js';
import { MockProvider } from '../../../src/providers/mock/index.js';
import { Sweeper } from '../../../src/sweeper/index.js';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { testDatabases } from '../../helpers/db.js';
import { auditActions, auditRows, autoGrant, Clock, storedCredentials, useHarness } from './fixtures.js';

/** The mock, except that its next revokes cut access but report something left at the target. */
class LeavingMock extends MockProvider {
  readonly left: string[] = [];
  override async revoke(ref: GrantRef): Promise<RevokeOutcome | undefined> {
    await super.revoke(ref);
    const what = this.left.shift();
    return what ? { cleanupPending: what } : undefined;
  }
}

const MIN = 60_000;

describe.each(testDatabases())('access cut, cleanup pending on %s', (driver) => {
  const clock = new Clock();
  const mock = new LeavingMock({ now: clock.now });
  const h = useHarness(driver, { mock, clock });

  it('revoke: REVOKED at once with credentials wiped; the leftover is retried with its own events until done', async () => {
    const { who, r } = await autoGrant(h);
    expect(r.state).toBe('ACTIVE');
    mock.left.push('object o1 at the target', 'object o1 at the target');
    const v = await h.core.revokeRequest(who, { id: r.id, reason: 'done' });
    expect(v.state).toBe('REVOKED');
    expect(v.ended_at).not.toBeNull();
    expect(v.cleanup).toMatchObject({ pending: 'object o1 at the target', attempts: 0, error: null });
    expect(await storedCredentials(h.db, r.id)).toBeNull();
    expect(mock.holds(r.id)).toBe(false);
    expect(await auditActions(h.db, r.id)).toEqual(
      expect.arrayContaining(['grant.revoked', 'grant.cleanup_pending']),
    );

    // The first retry still finds it: a failure event, the row stays REVOKED, the retry is rescheduled.
    const sweeper = new Sweeper(h.core.deps);
    clock.advance(11 * MIN);
    expect((await sweeper.tick()).cleanup).toBe(1);
    let now = await h.core.getRequest(who, { id: r.id });
    expect(now.state).toBe('REVOKED');
    expect(now.cleanup).toMatchObject({ pending: 'object o1 at the target', attempts: 1 });
    expect(now.cleanup!.next_retry_at).not.toBeNull();
    expect((await sweeper.tick()).cleanup).toBe(0); // not due before its backoff

    clock.advance(11 * MIN);
    expect((await sweeper.tick()).cleanup).toBe(1);
    now = await h.core.getRequest(who, { id: r.id });
    expect(now.state).toBe('REVOKED');
    expect(now.cleanup).toBeNull();
    const rows = await auditRows(h.db, r.id);
    const actions = rows.map((a) => a.action);
    expect(actions.filter((a) => a.startsWith('grant.cleanup'))).toEqual([
      'grant.cleanup_pending',
      'grant.cleanup_failed',
      'grant.cleanup_done',
    ]);
    expect(actions.indexOf('grant.revoked')).toBeLessThan(actions.indexOf('grant.cleanup_pending'));
    expect(rows.find((a) => a.action === 'grant.cleanup_done')!.details).toMatchObject({
      cleaned: 'object o1 at the target',
      attempts: 2,
    });
    clock.advance(11 * MIN);
    expect((await sweeper.tick()).cleanup).toBe(0);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('expiry: EXPIRED (grant.expired) with the leftover pending; a failing cleanup call never reopens the request', async () => {
    const { who, r } = await autoGrant(h, { duration: '15m' });
    mock.left.push('object o2 at the target');
    const sweeper = new Sweeper(h.core.deps);
    clock.advance(16 * MIN);
    await sweeper.tick();
    let now = await h.core.getRequest(who, { id: r.id });
    expect(now.state).toBe('EXPIRED');
    expect(await storedCredentials(h.db, r.id)).toBeNull();
    expect(now.cleanup?.pending).toBe('object o2 at the target');

    mock.failNext('revoke', 1, { message: 'target unreachable' });
    clock.advance(11 * MIN);
    await sweeper.tick();
    now = await h.core.getRequest(who, { id: r.id });
    expect(now.state).toBe('EXPIRED');
    expect(now.cleanup).toMatchObject({ pending: 'object o2 at the target', error: 'target unreachable' });

    clock.advance(11 * MIN);
    await sweeper.tick();
    expect((await h.core.getRequest(who, { id: r.id })).cleanup).toBeNull();
    const actions = await auditActions(h.db, r.id);
    expect(actions).toContain('grant.expired');
    expect(actions.filter((a) => a.startsWith('grant.cleanup'))).toEqual([
      'grant.cleanup_pending',
      'grant.cleanup_failed',
      'grant.cleanup_done',
    ]);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });
});
