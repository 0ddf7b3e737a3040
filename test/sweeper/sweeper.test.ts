import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Sweeper } from '../../src/sweeper/index.js';
import {
  agent,
  appError,
  auditActions,
  auditRows,
  autoGrant,
  type Harness,
  human,
  makeHarness as sharedHarness,
  storedCredentials,
  uniq,
} from '../core/requests/fixtures.js';
import { brokenAuditRow } from '../helpers/audit-chain.js';
import { createTestDb, type TestDb, testDatabases } from '../helpers/db.js';
import { queryRows } from '../helpers/sql.js';

const MIN = 60_000;

/** Every table empty, as in a freshly migrated database (the audit tables refuse TRUNCATE to anyone else). */
async function emptyTables(t: TestDb): Promise<void> {
  const tables = await queryRows(t.db, `select tablename from pg_tables where schemaname = 'public'`);
  const names = tables.map((r) => `"${r.tablename}"`).join(', ');
  await t.db.transaction(async (tx) => {
    for (const a of ['audit_events', 'audit_checkpoints'])
      await tx.execute(sql.raw(`alter table ${a} disable trigger user`));
    await tx.execute(sql.raw(`truncate ${names} restart identity cascade`));
    for (const a of ['audit_events', 'audit_checkpoints'])
      await tx.execute(sql.raw(`alter table ${a} enable trigger user`));
  });
}

describe.each(testDatabases())('sweeper on %s', (driver) => {
  let h: Harness;
  // One database for the file, emptied after each test: a fresh one costs ~2 s of CPU on PGlite.
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(driver);
  });
  afterEach(async () => {
    const done = h;
    h = undefined as unknown as Harness; // a test that fails before making its own closes nothing twice
    await done?.close();
    await emptyTables(db);
  });
  afterAll(() => db?.close());
  const makeHarness = (d: typeof driver, opts: Parameters<typeof sharedHarness>[1] = {}) =>
    sharedHarness(d, { ...opts, shared: db });

  // Grants last 30 minutes unless a test says otherwise; the clock moves in minutes.
  const grant = (hh: Harness, duration = '30m') => autoGrant(hh, { duration });

  it('expires an ACTIVE grant: provider revoke first, then EXPIRED with credentials wiped', async () => {
    h = await makeHarness(driver);
    const { who, r } = await grant(h);
    expect(r.state).toBe('ACTIVE');
    const sweeper = new Sweeper(h.core.deps);
    expect((await sweeper.tick()).expire).toBe(0);
    h.clock.advance(30 * MIN + 1);
    // Past expires_at the credentials are refused even before the sweeper runs.
    expect((await appError(h.core.getCredentials(who, { id: r.id }))).message).toMatch(/expired/);
    expect((await sweeper.tick()).expire).toBe(1);
    expect(h.mock.holds(r.id)).toBe(false);
    const after = await h.core.getRequest(who, { id: r.id });
    expect(after).toMatchObject({ state: 'EXPIRED', end_reason: 'expired' });
    expect(await storedCredentials(h.db, r.id)).toBeNull();
    const expired = (await auditRows(h.db, r.id)).find((x) => x.action === 'grant.expired')!;
    expect(expired).toMatchObject({ actor: 'system', outcome: 'success' });
    expect(expired.details.lag_ms).toBe(1);
    expect((await sweeper.tick()).expire).toBe(0);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('retries a failing grant with backoff and ends FAILED with the error after max attempts', async () => {
    h = await makeHarness(driver);
    h.mock.failNext('grant', 100, { retryable: true, message: 'throttled by target' });
    const { who, r } = await grant(h);
    expect(r).toMatchObject({ state: 'APPROVED', grant_attempts: 1, error: 'throttled by target' });
    expect(r.next_retry_at).not.toBeNull();
    const sweeper = new Sweeper(h.core.deps);
    expect((await sweeper.tick()).grant_retry).toBe(0); // backoff not over yet
    h.clock.advance(10 * MIN);
    expect((await sweeper.tick()).grant_retry).toBe(1);
    expect((await h.core.getRequest(who, { id: r.id })).grant_attempts).toBe(2);
    h.clock.advance(10 * MIN);
    await sweeper.tick();
    const failed = await h.core.getRequest(who, { id: r.id });
    expect(failed).toMatchObject({
      state: 'FAILED',
      error: 'throttled by target',
      grant_attempts: 3,
      end_reason: 'grant_failed',
    });
    expect(h.mock.calls.grant).toBe(3);
    expect(await auditActions(h.db, r.id)).toEqual([
      'request.created',
      'request.auto_approved',
      'grant.failed',
      'grant.failed',
      'grant.failed',
      'request.failed',
    ]);
    h.clock.advance(60 * MIN);
    expect((await sweeper.tick()).grant_retry).toBe(0);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('a retried grant that succeeds becomes ACTIVE; a permanent refusal fails at once', async () => {
    h = await makeHarness(driver);
    h.mock.failNext('grant', 1);
    const { r } = await grant(h);
    expect(r.state).toBe('APPROVED');
    h.clock.advance(10 * MIN);
    await new Sweeper(h.core.deps).tick();
    expect((await h.core.getRequest(human(uniq('a'), [], true), { id: r.id })).state).toBe('ACTIVE');

    h.mock.failNext('grant', 1, { retryable: false, message: 'role does not exist' });
    const { r: r2 } = await grant(h);
    expect(r2).toMatchObject({ state: 'FAILED', error: 'role does not exist', grant_attempts: 1 });
  });

  it('keeps retrying a failing revoke with an alert each time; REVOKED only once the provider confirms', async () => {
    h = await makeHarness(driver);
    const { who, r } = await grant(h);
    h.mock.failNext('revoke', 2, { message: 'target unavailable' });
    const v = await h.core.revokeRequest(who, { id: r.id });
    expect(v).toMatchObject({ state: 'ACTIVE', end_reason: 'revoked', error: 'target unavailable' });
    expect(h.mock.holds(r.id)).toBe(true);
    expect((await appError(h.core.getCredentials(who, { id: r.id }))).message).toMatch(/being revoked/);
    const sweeper = new Sweeper(h.core.deps);
    h.clock.advance(10 * MIN);
    expect((await sweeper.tick()).revoke_retry).toBe(1);
    expect((await h.core.getRequest(who, { id: r.id })).state).toBe('ACTIVE');
    h.clock.advance(10 * MIN);
    await sweeper.tick();
    expect((await h.core.getRequest(who, { id: r.id })).state).toBe('REVOKED');
    expect(h.mock.holds(r.id)).toBe(false);
    const actions = await auditActions(h.db, r.id);
    expect(actions.filter((a) => a === 'grant.revoke_failed')).toHaveLength(2);
    expect(actions.at(-1)).toBe('grant.revoked');
    const alert = (await auditRows(h.db, r.id)).find((x) => x.action === 'grant.revoke_failed')!;
    expect(alert.details).toMatchObject({ alert: true, error: 'target unavailable' });
  });

  it('expires stale PENDING requests and escalates unreviewed ai_review requests', async () => {
    h = await makeHarness(driver);
    const alice = human(uniq('alice'), ['sre']);
    const p = await h.ask(alice);
    const bot = agent(uniq('bot'), uniq('owner'), ['sre']);
    const q = await h.ask(bot, { role: 'deployer' });
    const sweeper = new Sweeper(h.core.deps);
    h.clock.advance(16 * MIN);
    expect((await sweeper.tick()).escalate).toBe(1);
    const admin = human(uniq('admin'), [], true);
    expect((await h.core.getRequest(admin, { id: q.id })).approver_tier).toBe('human');
    expect(await auditActions(h.db, q.id)).toEqual(['request.created', 'request.escalated']);
    h.clock.advance(24 * 60 * MIN);
    expect((await sweeper.tick()).pending_expire).toBe(2);
    expect(await h.core.getRequest(admin, { id: p.id })).toMatchObject({
      state: 'EXPIRED',
      end_reason: 'pending_timeout',
    });
    expect(await auditActions(h.db, p.id)).toEqual(['request.created', 'request.expired']);
    expect((await appError(h.core.approveRequest(admin, { id: p.id }))).code).toBe('CONFLICT');
    // Someone who may not see it any more (not PENDING, not theirs): as for getRequest, not found.
    expect((await appError(h.core.approveRequest(human(uniq('b')), { id: p.id }))).code).toBe('NOT_FOUND');
  });

  it('records a grant removed out of band as REVOKED, and removes access that survives its end', async () => {
    h = await makeHarness(driver, {
      config: { sweeper: { max_attempts: 3, reconcile_interval_seconds: 60 } },
    });
    const { who, r } = await grant(h);
    const sweeper = new Sweeper(h.core.deps);
    h.clock.advance(61_000);
    expect((await sweeper.tick()).reconcile).toBe(1);
    expect((await h.core.getRequest(who, { id: r.id })).state).toBe('ACTIVE');
    h.mock.removeOutOfBand(r.id);
    h.clock.advance(61_000);
    await sweeper.tick();
    expect(await h.core.getRequest(who, { id: r.id })).toMatchObject({
      state: 'REVOKED',
      end_reason: 'drift',
    });
    expect((await auditRows(h.db, r.id)).at(-1)).toMatchObject({
      action: 'grant.drift_detected',
      outcome: 'failure',
    });

    const { r: r2 } = await grant(h);
    h.clock.advance(30 * MIN + 1);
    await sweeper.tick();
    // Someone re-creates the grant at the target after jitsudo expired it.
    await h.mock.grant({
      requestId: r2.id,
      principal: { identity: 'x', kind: 'human', groups: [] },
      role: 'ReadOnly',
      scope: 'dev',
      durationSeconds: 3600,
      reason: '',
      metadata: {},
    });
    h.clock.advance(MIN);
    expect((await sweeper.tick()).after_end).toBeGreaterThanOrEqual(1);
    expect(h.mock.holds(r2.id)).toBe(false);
    expect((await auditRows(h.db, r2.id)).map((x) => x.action)).toContain('grant.drift_detected');
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('takes over a grant left APPROVED by a process that died after recording the approval', async () => {
    h = await makeHarness(driver);
    const alice = human(uniq('alice'), ['sre']);
    const r = await h.ask(alice);
    // What tx1 of an approval leaves behind when the process is killed before the provider call.
    const leaseEnd = new Date(h.clock.t + 120_000).toISOString();
    await h.db.execute(
      sql`update requests set state = 'APPROVED', grant_attempts = 1, next_attempt_at = ${leaseEnd}::timestamptz where id = ${r.id}`,
    );
    const sweeper = new Sweeper(h.core.deps);
    expect((await sweeper.tick()).grant_retry).toBe(0);
    h.clock.advance(121_000);
    expect((await sweeper.tick()).grant_retry).toBe(1);
    expect((await h.core.getRequest(alice, { id: r.id })).state).toBe('ACTIVE');
  });

  it('runs as a background loop started and stopped with the core', async () => {
    h = await makeHarness(driver, {
      config: { sweeper: { interval_ms: 20, max_attempts: 3, reconcile_interval_seconds: 0 } },
    });
    const { who, r } = await grant(h, '1m');
    const sweeper = new Sweeper(h.core.deps);
    sweeper.start();
    h.clock.advance(MIN + 1);
    for (let i = 0; i < 100 && (await h.core.getRequest(who, { id: r.id })).state !== 'EXPIRED'; i++)
      await new Promise((res) => setTimeout(res, 20));
    await sweeper.stop();
    expect((await h.core.getRequest(who, { id: r.id })).state).toBe('EXPIRED');
  });
});
