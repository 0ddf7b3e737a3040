/**
 * Group commit with two batches open at once (the PostgreSQL default), and members that write
 * through the hot-path SQL of db/raw.ts.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlRows, type Transaction } from '../../../src/core/db/client.js';
import { GroupCommit } from '../../../src/core/db/group-commit.js';
import { FastTable } from '../../../src/core/db/raw.js';
import { principals } from '../../../src/core/db/schema/index.js';
import { AppError } from '../../../src/core/errors.js';
import { audit } from '../../../src/core/requests/tx.js';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { createTestDb, type TestDb, testDatabases } from '../../helpers/db.js';

const fastPrincipals = new FastTable(principals);
const ev = (id: string) => ({
  actor: id,
  action: 'test.grouped',
  outcome: 'success' as const,
  details: { id },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testDatabases())('group commit, overlapping batches, on %s', (driver) => {
  let t: TestDb;
  const names = async (prefix: string) =>
    (
      await sqlRows<{ identity: string }>(
        t.db,
        sql`select identity from principals where identity like ${`${prefix}%`} order by identity`,
      )
    ).map((r) => r.identity);
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.close());

  it('runs the next batch while one is open, and the chain stays one chain', async () => {
    const gc = new GroupCommit(t.db, { driver, maxBatch: 4, maxInFlight: 2 });
    let open = 0;
    let most = 0;
    let started = 0;
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        gc.run(async (tx) => {
          open++;
          started++;
          most = Math.max(most, open);
          await fastPrincipals.insert(tx, { identity: `ov1-${String(i).padStart(2, '0')}` });
          // The first batch waits (up to 2 s) for a member of another batch to start beside it.
          for (let w = 0; driver === 'postgres' && i < 4 && started < 5 && w < 200; w++) await sleep(10);
          await sleep(5);
          await audit(tx, ev(`ov1-${i}`));
          open--;
        }),
      ),
    );
    expect(await names('ov1-')).toHaveLength(24);
    // PostgreSQL: a second batch ran beside the first; PGlite has one connection: one member at a time.
    if (driver === 'postgres') expect(most).toBeGreaterThan(4);
    else expect(most).toBe(1);
    expect(await brokenAuditRow(t.db)).toBeNull();
  });

  it('never runs two members with a common key at once, even across open batches', async () => {
    const gc = new GroupCommit(t.db, { driver, maxBatch: 8, maxInFlight: 2 });
    await fastPrincipals.insert(t.db, { identity: 'ov2-row', notes: '' });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        gc.run(
          async (tx) => {
            // Read, wait, write back: two of these at once would lose an update.
            const [r] = await sqlRows<{ notes: string }>(
              tx,
              sql`select notes from principals where identity = 'ov2-row'`,
            );
            await sleep(3);
            await fastPrincipals.update(tx, { notes: `${r!.notes}${i % 10}` }, { identity: 'ov2-row' });
            await audit(tx, ev(`ov2-${i}`));
          },
          ['ov2-row'],
        ),
      ),
    );
    const [r] = await sqlRows<{ notes: string }>(
      t.db,
      sql`select notes from principals where identity = 'ov2-row'`,
    );
    expect(r!.notes).toHaveLength(12);
    expect(await brokenAuditRow(t.db)).toBeNull();
  });

  it('a member that wrote through raw SQL and then refused is rolled back, the others commit', async () => {
    const gc = new GroupCommit(t.db, { driver, maxBatch: 64, maxInFlight: 2 });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        gc.run(async (tx: Transaction) => {
          await fastPrincipals.insert(tx, { identity: `ov3-${i}` });
          await audit(tx, ev(`ov3-${i}`));
          if (i === 5) throw new AppError('CONFLICT', 'refused after writing');
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(await names('ov3-')).toEqual([0, 1, 2, 3, 4, 6, 7].map((i) => `ov3-${i}`));
    const [n] = await sqlRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from audit_events where actor like 'ov3-%'`,
    );
    expect(Number(n!.n)).toBe(7);
    expect(await brokenAuditRow(t.db)).toBeNull();
  });
});
