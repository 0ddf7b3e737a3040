import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openPostgres, sqlRows } from '../../../src/core/db/client.js';
import { AppError } from '../../../src/core/errors.js';
import { Sweeper } from '../../../src/sweeper/index.js';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { testDatabases } from '../../helpers/db.js';
import {
  auditActions,
  autoGrant,
  Clock,
  type Harness,
  human,
  makeHarness,
  uniq,
  useHarness,
} from './fixtures.js';

async function countAudit(h: Harness, action: string): Promise<number> {
  const [row] = await sqlRows<{ n: number }>(
    h.db,
    sql`select count(*)::int as n from audit_events where action = ${action}`,
  );
  return Number(row!.n);
}

describe.each(testDatabases())('concurrency on %s', (driver) => {
  const h = useHarness(driver, { poolSize: 20 });

  it('50 parallel approvals of one request produce exactly one approval and one grant', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const r = await h.ask(alice);
    const grantsBefore = h.mock.calls.grant;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => h.core.approveRequest(human(uniq(`approver${i}`)), { id: r.id })),
    );
    const ok = results.filter((x) => x.status === 'fulfilled');
    const failed = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(49);
    // A loser that reads the request after the winner committed no longer sees it (a decided
    // request is visible to its parties only): NOT_FOUND, as for any request one may not see.
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(AppError);
      expect(['CONFLICT', 'NOT_FOUND']).toContain((f.reason as AppError).code);
    }
    expect(h.mock.calls.grant - grantsBefore).toBe(1);
    const final = await h.core.getRequest(alice, { id: r.id });
    expect(final.state).toBe('ACTIVE');
    expect(final.approvals).toHaveLength(1);
    expect(await auditActions(h.db, r.id)).toEqual(['request.created', 'request.approved', 'grant.issued']);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('a requester revoking while an admin revokes calls the provider once', async () => {
    const { who, r } = await autoGrant(h);
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
        await h.ask(human(uniq(`p${i}`), ['sre']));
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
        // Half the requests go through each process.
        const batch = await Promise.all(
          Array.from(
            { length: 10 },
            async (_, j) => (await autoGrant((i + j) % 2 ? a : b, { duration: '1m' })).r.id,
          ),
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
