/**
 * A drift check that straddles a grant's expiry: reconcile claims the grant while it is still
 * valid, and by the time the provider answers, the grant's own expiry has passed, so a provider
 * that enforces expiry itself (postgres VALID UNTIL, the mock) says "not active". That is an
 * expiry for the expire job (EXPIRED, grant.expired), not drift (REVOKED with an alert) — the HA
 * test (test/e2e/ha-replicas.test.ts) met this with short grants under load.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GrantRef } from '../../src/core/providers/types.js';
import { MockProvider } from '../../src/providers/mock/index.js';
import { Sweeper } from '../../src/sweeper/index.js';
import { auditActions, autoGrant, Clock, type Harness, makeHarness } from '../core/requests/fixtures.js';
import { brokenAuditRow } from '../helpers/audit-chain.js';
import { testDatabases } from '../helpers/db.js';

const MIN = 60_000;

/** The mock, with a hook that runs when a drift check reaches it (to move the clock meanwhile). */
class SlowCheckMock extends MockProvider {
  onCheck: (() => void) | undefined;
  override async isActive(ref: GrantRef): Promise<boolean> {
    this.onCheck?.();
    return super.isActive(ref);
  }
}

describe.each(testDatabases())('drift check straddling expiry on %s', (driver) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a grant that expires while its drift check is in flight ends EXPIRED, without a drift alert', async () => {
    const clock = new Clock();
    const mock = new SlowCheckMock({ now: clock.now });
    h = await makeHarness(driver, {
      clock,
      mock,
      config: { sweeper: { max_attempts: 3, reconcile_interval_seconds: 60 } },
    });
    const { who, r } = await autoGrant(h, { duration: '30m' });
    expect(r.state).toBe('ACTIVE');
    const sweeper = new Sweeper(h.core.deps);

    // One second before expiry the check is due; it takes two seconds at the provider.
    clock.advance(30 * MIN - 1000);
    mock.onCheck = () => clock.advance(2000);
    expect((await sweeper.tick()).reconcile).toBe(1);
    mock.onCheck = undefined;
    expect((await h.core.getRequest(who, { id: r.id })).state).toBe('ACTIVE');

    expect((await sweeper.tick()).expire).toBe(1);
    expect(await h.core.getRequest(who, { id: r.id })).toMatchObject({
      state: 'EXPIRED',
      end_reason: 'expired',
    });
    const actions = await auditActions(h.db, r.id);
    expect(actions).toContain('grant.expired');
    expect(actions).not.toContain('grant.drift_detected');
    expect(await brokenAuditRow(h.db)).toBeNull();
  });
});
