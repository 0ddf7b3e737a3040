import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../../src/core/db/client.js';
import { AppError } from '../../../src/core/errors.js';
import { Sweeper } from '../../../src/sweeper/index.js';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { createTestDb, testDatabases } from '../../helpers/db.js';
import { setTier } from '../../helpers/principals.js';
import { auditActions, Clock, type Harness, human, makeHarness, uniq } from './fixtures.js';

async function countAudit(h: Harness, action: string): Promise<number> {
  const res = (await h.db.execute(
    sql`select count(*)::int as n from audit_events where action = ${action}`,
  )) as unknown;
  const rows = (Array.isArray(res) ? res : (res as { rows: { n: number }[] }).rows) as { n: number }[];
  return Number(rows[0]!.n);
}

describe.each(testDatabases())('concurrency on %s', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(driver, { shared: await createTestDb(driver, { poolSize: 20 }) });
  });
  afterAll(async () => {
    await h.close();
    await h.testDb.close();
  });

  it('50 parallel approvals of one request produce exactly one approval and one grant', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const r = await h.core.createRequest(alice, {
      provider: 'mock',
      role: 'admin',
      resource_scope: 'x',
      reason: 'r',
    });
    const grantsBefore = h.mock.calls.grant;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => h.core.approveRequest(human(uniq(`approver${i}`)), { id: r.id })),
    );
    const ok = results.filter((x) => x.status === 'fulfilled');
    const failed = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(49);
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(AppError);
      expect((f.reason as AppError).code).toBe('CONFLICT');
    }
    expect(h.mock.calls.grant - grantsBefore).toBe(1);
    const final = await h.core.getRequest(alice, { id: r.id });
    expect(final.state).toBe('ACTIVE');
    expect(final.approvals).toHaveLength(1);
    expect(await auditActions(h.db, r.id)).toEqual(['request.created', 'request.approved', 'grant.issued']);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('a requester revoking while an admin revokes calls the provider once', async () => {
    const who = human(uniq('carol'));
    await setTier(h.db, who.identity, 3);
    const r = await h.core.createRequest(who, {
      provider: 'mock',
      role: 'ReadOnly',
      resource_scope: 'x',
      reason: 'r',
    });
    const before = h.mock.calls.revoke;
    const admin = human(uniq('admin'), [], true);
    const out = await Promise.all([
      h.core.revokeRequest(who, { id: r.id }),
      h.core.revokeRequest(admin, { id: r.id }),
      h.core.revokeRequest(who, { id: r.id }),
    ]);
    expect(h.mock.calls.revoke - before).toBe(1);
    expect(out.map((x) => x.state)).toContain('REVOKED');
    expect((await h.core.getRequest(who, { id: r.id })).state).toBe('REVOKED');
    expect((await auditActions(h.db, r.id)).filter((a) => a === 'grant.revoked')).toHaveLength(1);
  });

  it('many principals creating at once leave one intact audit chain', async () => {
    const before = await countAudit(h, 'request.created');
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const who = human(uniq(`p${i}`), ['sre']);
        await h.core.createRequest(who, {
          provider: 'mock',
          role: 'admin',
          resource_scope: 'x',
          reason: 'r',
        });
      }),
    );
    expect((await countAudit(h, 'request.created')) - before).toBe(40);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('two server processes on one PostgreSQL database', () => {
  it('two sweepers expire 300 grants between them without revoking any twice', async () => {
    const clock = new Clock();
    const a = await makeHarness('postgres', { clock });
    const second = openPostgres(a.testDb.url!, 5);
    const b = await makeHarness('postgres', { shared: a.testDb, db: second, clock, mock: a.mock });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const batch = await Promise.all(
          Array.from({ length: 10 }, async (_, j) => {
            const who = human(uniq(`c${i}-${j}`));
            await setTier(a.db, who.identity, 3);
            const core = (i + j) % 2 ? a.core : b.core;
            return (
              await core.createRequest(who, {
                provider: 'mock',
                role: 'ReadOnly',
                resource_scope: 'x',
                duration: '1m',
                reason: 'r',
              })
            ).id;
          }),
        );
        ids.push(...batch);
      }
      expect(a.mock.grantCount).toBe(300);
      clock.advance(61_000);
      const small = { batchSize: 25, parallelBatches: 2 };
      const [ra, rb] = await Promise.all([
        new Sweeper(a.core.deps, small).tick(),
        new Sweeper(b.core.deps, small).tick(),
      ]);
      expect(ra.expire + rb.expire).toBe(300);
      expect(ra.expire).toBeGreaterThan(0);
      expect(rb.expire).toBeGreaterThan(0);
      expect(a.mock.calls.revoke).toBe(300);
      expect(a.mock.grantCount).toBe(0);
      expect(await countAudit(a, 'grant.expired')).toBe(300);
      const admin = human('root@example.com', [], true);
      const list = await a.core.listRequests(admin, { state: 'EXPIRED', page_size: 500 });
      expect(list.requests.map((r) => r.id).sort()).toEqual([...ids].sort());
      expect(await brokenAuditRow(a.db)).toBeNull();
    } finally {
      await b.core.close();
      await second.close();
      await a.close();
    }
  });
});
