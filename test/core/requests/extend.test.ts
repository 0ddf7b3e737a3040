/** extendRequest (ADR 0045): policy-routed, ceiling-bound, one open extension per grant, provider first. */
import { describe, expect, it } from 'vitest';
import type { PolicySet } from '../../../src/core/policy/types.js';
import { Sweeper } from '../../../src/sweeper/index.js';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { testDatabases } from '../../helpers/db.js';
import { setTier } from '../../helpers/principals.js';
import {
  appError,
  auditActions,
  auditRows,
  autoGrant,
  countRows,
  type Harness,
  human,
  makeHarness,
  testPolicies,
  uniq,
  useHarness,
} from './fixtures.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** The test policies, plus: scope `capped` has a policy ceiling of 2 h; extensions over 1 h (or saying
 * so) need a human. */
function extensionPolicies(): PolicySet {
  const base = testPolicies();
  return {
    engine: 'rego',
    eligibility(input, o) {
      const d = base.eligibility(input, o);
      return input.request.resource_scope === 'capped' ? { ...d, maxTotalDurationSeconds: 7200 } : d;
    },
    approval(input, o) {
      const d = base.approval(input, o);
      if (input.request.extension && input.request.reason === 'needs two')
        return { ...d, approverTier: 'human', approvalsRequired: 2 };
      return input.request.extension &&
        (input.request.duration_seconds > 3600 || input.request.reason === 'needs a human')
        ? { ...d, approverTier: 'human' }
        : d;
    },
  };
}

const iso = (t: number) => new Date(t).toISOString();

describe.each(testDatabases())('extendRequest on %s', (driver) => {
  const h: Harness = useHarness(driver, {
    policies: extensionPolicies(),
    config: { requests: { max_total_duration_seconds: 3 * 3600 } },
  });
  const extend = (who: Parameters<Harness['core']['extendRequest']>[0], input: Record<string, unknown>) =>
    h.core.extendRequest(who, { reason: 'still debugging', ...input });

  it('auto-approved: applied at once; the grant, the provider and the sweeper all use the new expiry', async () => {
    const { who, r } = await autoGrant(h, { duration: '1h' });
    const start = h.clock.t;
    expect(r.expires_at).toBe(iso(start + HOUR));
    h.clock.advance(10 * MIN);
    const ext = await extend(who, { id: r.id, duration: '30m' });
    expect(ext).toMatchObject({
      state: 'APPLIED',
      extends_request_id: r.id,
      duration_seconds: 1800,
      approver_tier: 'auto',
      expires_at: iso(start + 90 * MIN),
    });
    const parent = await h.core.getRequest(who, { id: r.id });
    expect(parent).toMatchObject({ state: 'ACTIVE', expires_at: iso(start + 90 * MIN) });
    expect(h.mock.expiryOf(r.id)?.toISOString()).toBe(iso(start + 90 * MIN));
    expect((await h.core.getCredentials(who, { id: r.id })).expires_at).toBe(iso(start + 90 * MIN));

    expect(await auditActions(h.db, ext.id)).toEqual([
      'request.created',
      'request.auto_approved',
      'request.extension_applied',
    ]);
    const extended = (await auditRows(h.db, r.id)).find((x) => x.action === 'grant.extended')!;
    expect(extended.details).toMatchObject({
      extension_id: ext.id,
      previous_expires_at: iso(start + HOUR),
      expires_at: iso(start + 90 * MIN),
      added_seconds: 1800,
      total_duration_seconds: 5400,
      credentials_reissued: false,
    });

    const sweeper = new Sweeper(h.core.deps);
    h.clock.advance(50 * MIN + 1); // past the old expiry
    await sweeper.tick();
    expect((await h.core.getRequest(who, { id: r.id })).state).toBe('ACTIVE');
    expect((await h.core.getRequest(who, { id: ext.id })).state).toBe('APPLIED');
    h.clock.advance(30 * MIN);
    await sweeper.tick();
    expect((await h.core.getRequest(who, { id: r.id })).state).toBe('EXPIRED');
    expect(h.mock.holds(r.id)).toBe(false);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('needing approval: PENDING until a human approves (expiry moves) or denies (nothing moves)', async () => {
    const { who, r } = await autoGrant(h, { duration: '1h' });
    const start = h.clock.t;
    const bob = human(uniq('bob'));
    const ext = await extend(who, { id: r.id, duration: '90m' });
    expect(ext).toMatchObject({ state: 'PENDING', approver_tier: 'human', extends_request_id: r.id });
    // The wait ends with the grant: a decision after it would have nothing to extend.
    expect(ext.pending_expires_at).toBe(iso(start + HOUR));
    expect((await h.core.getRequest(who, { id: r.id })).expires_at).toBe(iso(start + HOUR));

    const second = await appError(extend(who, { id: r.id, duration: '10m' }));
    expect(second.code).toBe('CONFLICT');
    expect(second.message).toContain(ext.id);

    const approved = await h.core.approveRequest(bob, { id: ext.id, comment: 'ok' });
    expect(approved).toMatchObject({ state: 'APPLIED', expires_at: iso(start + 150 * MIN) });
    expect((await h.core.getRequest(who, { id: r.id })).expires_at).toBe(iso(start + 150 * MIN));
    expect(h.mock.expiryOf(r.id)?.toISOString()).toBe(iso(start + 150 * MIN));
    expect((await auditRows(h.db, r.id)).find((x) => x.action === 'grant.extended')).toMatchObject({
      actor: bob.identity,
    });

    const again = await extend(who, { id: r.id, duration: '10m', reason: 'needs a human' });
    expect(again.state).toBe('PENDING');
    expect((await h.core.denyRequest(bob, { id: again.id, reason: 'no' })).state).toBe('REJECTED');
    expect((await h.core.getRequest(who, { id: r.id })).expires_at).toBe(iso(start + 150 * MIN));
    expect(h.mock.calls.extend).toBeGreaterThan(0);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it("the approval policy's quorum applies: the second distinct approval applies the extension", async () => {
    const { who, r } = await autoGrant(h, { duration: '1h' });
    const start = h.clock.t;
    const ext = await extend(who, { id: r.id, duration: '10m', reason: 'needs two' });
    expect(ext).toMatchObject({ state: 'PENDING', approvals_required: 2 });
    const first = await h.core.approveRequest(human(uniq('bob')), { id: ext.id });
    expect(first.state).toBe('PENDING');
    expect((await h.core.getRequest(who, { id: r.id })).expires_at).toBe(iso(start + HOUR));
    const second = await h.core.approveRequest(human(uniq('dave')), { id: ext.id });
    expect(second).toMatchObject({ state: 'APPLIED', expires_at: iso(start + 70 * MIN) });
  });

  it('an approval that comes after the grant ended fails the extension and changes nothing else', async () => {
    const { who, r } = await autoGrant(h, { duration: '1h' });
    const ext = await extend(who, { id: r.id, duration: '2h' });
    await h.core.revokeRequest(who, { id: r.id, reason: 'done early' });
    const late = await h.core.approveRequest(human(uniq('bob')), { id: ext.id });
    expect(late.state).toBe('FAILED');
    expect(late.error).toMatch(/no live grant/);
    expect((await h.core.getRequest(who, { id: r.id })).state).toBe('REVOKED');
    expect(await auditActions(h.db, ext.id)).toContain('grant.extend_failed');
  });

  it('the configured ceiling is never passed: refused with VALIDATION naming it', async () => {
    const { who, r } = await autoGrant(h, { duration: '1h' });
    const over = await appError(extend(who, { id: r.id, duration: '2h1s' }));
    expect(over.code).toBe('VALIDATION');
    expect(over.message).toMatch(/requests\.max_total_duration_seconds/);
    expect(over.message).toMatch(/ceiling is 3h.*at most 2h more/);
    expect(over.details).toMatchObject({ ceiling: 'config', max_total_duration_seconds: 10800 });
    await extend(who, { id: r.id, duration: '1h' });
    await extend(who, { id: r.id, duration: '1h' }); // exactly at the ceiling
    const full = await appError(extend(who, { id: r.id, duration: '1m' }));
    expect(full.message).toMatch(/cannot be extended further/);
    expect((await h.core.getRequest(who, { id: r.id })).expires_at).toBe(iso(h.clock.t + 3 * HOUR));
  });

  it("the policy's ceiling is never passed: POLICY_DENIED naming it, audited", async () => {
    const { who, r } = await autoGrant(h, { duration: '1h', resource_scope: 'capped' });
    const over = await appError(extend(who, { id: r.id, duration: '90m' }));
    expect(over.code).toBe('POLICY_DENIED');
    expect(over.message).toMatch(/policy max_total_duration_seconds/);
    expect(over.details).toMatchObject({
      ceiling: 'policy',
      max_total_duration_seconds: 7200,
      remaining_seconds: 3600,
    });
    const denied = (await auditRows(h.db, r.id)).find((x) => x.action === 'request.denied_by_policy')!;
    expect(denied.details).toMatchObject({ extends_request_id: r.id, max_total_duration_seconds: 7200 });
    expect((await extend(who, { id: r.id, duration: '1h' })).state).toBe('APPLIED');
  });

  it('only the requester, only ACTIVE grants, only good input: everything else refused, nothing written', async () => {
    const { who, r } = await autoGrant(h, { duration: '1h' });
    const rows = await countRows(h.db, who.identity);
    expect((await appError(extend(human(uniq('mallory')), { id: r.id, duration: '1h' }))).code).toBe(
      'NOT_FOUND',
    );
    const admin = human(uniq('admin'), [], true);
    expect((await appError(extend(admin, { id: r.id, duration: '1h' }))).code).toBe('FORBIDDEN');
    for (const bad of [
      { duration: '0' },
      { duration: '-1h' },
      { duration: 'soon' },
      { duration: 1.5 },
      {},
      { duration: '1h', duration_seconds: 60 },
      { duration: '100d' },
      { duration: '1h', reason: '   ' },
      { duration: '1h', extra: true },
    ]) {
      const e = await appError(extend(who, { id: r.id, ...bad }));
      expect(e.code, JSON.stringify(bad)).toBe('VALIDATION');
    }
    expect(await countRows(h.db, who.identity)).toBe(rows);

    const alice = human(uniq('alice'), ['sre']);
    const pending = await h.ask(alice, { duration: '1h' });
    expect(pending.state).toBe('PENDING');
    expect((await appError(extend(alice, { id: pending.id, duration: '1h' }))).code).toBe('CONFLICT');
    const ext = await extend(who, { id: r.id, duration: '5m' });
    expect((await appError(extend(who, { id: ext.id, duration: '5m' }))).code).toBe('VALIDATION');
    await h.core.revokeRequest(who, { id: r.id });
    const ended = await appError(extend(who, { id: r.id, duration: '5m' }));
    expect(ended.code).toBe('CONFLICT');
    expect(ended.message).toMatch(/REVOKED; only ACTIVE grants can be extended/);
  });

  it('a provider failure leaves the grant at its old expiry; a retryable one is retried by the sweeper', async () => {
    const { who, r } = await autoGrant(h, { duration: '1h' });
    const start = h.clock.t;
    h.mock.failNext('extend', 1, { retryable: false, message: 'target refused' });
    const failed = await extend(who, { id: r.id, duration: '30m' });
    expect(failed).toMatchObject({ state: 'FAILED', error: 'target refused' });
    expect((await h.core.getRequest(who, { id: r.id })).expires_at).toBe(iso(start + HOUR));
    expect(h.mock.expiryOf(r.id)?.toISOString()).toBe(iso(start + HOUR));

    h.mock.failNext('extend', 1, { retryable: true, message: 'throttled' });
    const retrying = await extend(who, { id: r.id, duration: '30m' });
    expect(retrying).toMatchObject({ state: 'APPROVED', error: 'throttled' });
    expect((await h.core.getRequest(who, { id: r.id })).expires_at).toBe(iso(start + HOUR));
    h.clock.advance(5 * MIN);
    await new Sweeper(h.core.deps).tick();
    expect(await h.core.getRequest(who, { id: retrying.id })).toMatchObject({ state: 'APPLIED' });
    expect((await h.core.getRequest(who, { id: r.id })).expires_at).toBe(iso(start + 90 * MIN));
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('parallel extends of one grant: the ceiling holds and every outcome is consistent', async () => {
    const who = human(uniq('carol'));
    await setTier(h.db, who.identity, 3);
    const r = await h.ask(who, { role: 'ReadOnly', reason: 'r', duration: '1h' });
    const start = h.clock.t;
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => extend(who, { id: r.id, duration: '30m' })),
    );
    const applied = results.filter((x) => x.status === 'fulfilled' && x.value.state === 'APPLIED').length;
    for (const x of results)
      if (x.status === 'rejected')
        expect(['CONFLICT', 'VALIDATION']).toContain((x.reason as { code: string }).code);
    expect(applied).toBeGreaterThanOrEqual(1);
    expect(applied).toBeLessThanOrEqual(4); // 1 h + 4 × 30 m = the 3 h ceiling
    const parent = await h.core.getRequest(who, { id: r.id });
    expect(parent.expires_at).toBe(iso(start + HOUR + applied * 30 * MIN));
    expect(h.mock.expiryOf(r.id)?.toISOString()).toBe(parent.expires_at);
    expect((await auditRows(h.db, r.id)).filter((x) => x.action === 'grant.extended')).toHaveLength(applied);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('drift reconciliation past the old expiry finds the extended grant in force and leaves it ACTIVE', async () => {
    const own = await makeHarness(driver, {
      shared: h.testDb,
      policies: extensionPolicies(),
      config: { sweeper: { max_attempts: 3, reconcile_interval_seconds: 60 } },
    });
    try {
      const { who, r } = await autoGrant(own, { duration: '1h' });
      const start = own.clock.t;
      await own.core.extendRequest(who, { id: r.id, duration: '30m', reason: 'more' });
      const sweeper = new Sweeper(own.core.deps);
      for (const minutes of [30, 61, 75]) {
        own.clock.t = start + minutes * MIN;
        await sweeper.tick();
        expect((await own.core.getRequest(who, { id: r.id })).state, `${minutes} min`).toBe('ACTIVE');
      }
      expect(own.mock.calls.isActive).toBeGreaterThan(0);
      own.clock.t = start + 90 * MIN;
      await sweeper.tick();
      expect((await own.core.getRequest(who, { id: r.id })).state).toBe('EXPIRED');
    } finally {
      await own.close();
    }
  });
});
