import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlRows, type Transaction } from '../../../src/core/db/client.js';
import { GroupCommit } from '../../../src/core/db/group-commit.js';
import { AppError } from '../../../src/core/errors.js';
import { audit } from '../../../src/core/requests/tx.js';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { createTestDb, type TestDb, testDatabases } from '../../helpers/db.js';

async function principals(t: TestDb, prefix: string): Promise<string[]> {
  const rows = await sqlRows<{ identity: string }>(
    t.db,
    sql`select identity from principals where identity like ${`${prefix}%`} order by identity`,
  );
  return rows.map((r) => r.identity);
}

const insert = (tx: Transaction, id: string) =>
  tx.execute(sql`insert into principals (identity) values (${id})`);
const ev = (id: string) => ({
  actor: id,
  action: 'test.grouped',
  outcome: 'success' as const,
  details: { id },
});

describe.each(testDatabases())('group commit on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => {
    await t.close();
  });

  it('commits concurrent members together; a member refusing before it writes affects no one', async () => {
    const gc = new GroupCommit(t.db, { driver, maxBatch: 64 });
    const p = 'gc1-';
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        gc.run(async (tx) => {
          if (i === 7) throw new AppError('CONFLICT', 'refused before writing');
          await insert(tx, `${p}${String(i).padStart(2, '0')}`);
          await audit(tx, ev(`${p}${i}`));
          return i;
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(19);
    expect((results[7] as PromiseRejectedResult).reason.message).toBe('refused before writing');
    expect(await principals(t, p)).toHaveLength(19);
    expect(await brokenAuditRow(t.db)).toBeNull();
  });

  it('a member failing after it wrote rolls back only itself (the batch reruns everyone alone)', async () => {
    const gc = new GroupCommit(t.db, { driver, maxBatch: 64 });
    const p = 'gc2-';
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        gc.run(async (tx) => {
          await insert(tx, `${p}${i}`);
          await audit(tx, ev(`${p}${i}`));
          if (i === 3) throw new AppError('CONFLICT', 'changed its mind after writing');
          return i;
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(9);
    expect(await principals(t, p)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9].map((i) => `${p}${i}`));
    const [grouped] = await sqlRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from audit_events where action = 'test.grouped' and actor like 'gc2-%'`,
    );
    expect(Number(grouped!.n)).toBe(9);
    expect(await brokenAuditRow(t.db)).toBeNull();
  });

  it('a database error in one member does not lose the others', async () => {
    const gc = new GroupCommit(t.db, { driver, maxBatch: 64 });
    const p = 'gc3-';
    await insert(t.db as unknown as Transaction, `${p}dup`);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => gc.run((tx) => insert(tx, i === 2 ? `${p}dup` : `${p}${i}`))),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect(await principals(t, p)).toEqual([`${p}0`, `${p}1`, `${p}3`, `${p}4`, `${p}5`, `${p}dup`]);
  });

  it('never puts two members with a common key in one batch', async () => {
    const gc = new GroupCommit(t.db, { driver, maxBatch: 64 });
    const p = 'gc4-';
    await insert(t.db as unknown as Transaction, `${p}row`);
    // Each member reads the row's notes and appends to them: co-batched members would lose updates.
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        gc.run(
          async (tx) => {
            const [row] = await sqlRows<{ notes: string }>(
              tx,
              sql`select notes from principals where identity = ${`${p}row`} for update`,
            );
            await tx.execute(
              sql`update principals set notes = ${`${row!.notes}${i}`} where identity = ${`${p}row`}`,
            );
          },
          [`${p}row`],
        ),
      ),
    );
    const [row] = await sqlRows<{ notes: string }>(
      t.db,
      sql`select notes from principals where identity = ${`${p}row`}`,
    );
    expect(row!.notes.split('').sort().join('')).toBe('01234567');
  });
});
