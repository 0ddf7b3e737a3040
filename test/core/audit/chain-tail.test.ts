/**
 * The guessed-head append (ChainTail): a process chains onto the head it wrote last and checks the
 * guess under the lock. Each way the guess goes wrong must still leave one valid chain.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditInput } from '../../../src/core/audit/append.js';
import { appendAudit } from '../../../src/core/audit/append.js';
import { appendAuditMany, ChainTail } from '../../../src/core/audit/append-many.js';
import { sqlRows, withTx } from '../../../src/core/db/client.js';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { createTestDb, type TestDb, testDatabases } from '../../helpers/db.js';
import { asDba } from './support.js';

const ev = (n: number, details: Record<string, unknown> = {}): AuditInput => ({
  actor: `user${n}@example.com`,
  action: 'request.created',
  requestId: `req_${n}`,
  outcome: 'success',
  details: { n, ...details },
});

describe.each(testDatabases())('ChainTail on %s', (driver) => {
  let t: TestDb;
  const count = async () =>
    (await sqlRows<{ n: number }>(t.db, sql`select count(*)::int as n from audit_events`))[0]!.n;
  const ids = async () =>
    (
      await sqlRows<{ id: string }>(
        t.db,
        sql`select id::text as id from audit_events order by audit_events.id`,
      )
    ).map((r) => Number(r.id));
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t?.close());
  beforeEach(() => asDba(t.db, 'delete from audit_events'));

  it('appends on its own guess while it is right, with details stored as hashed', async () => {
    const tail = new ChainTail(driver === 'postgres');
    await withTx(t.db, (tx) => appendAuditMany(tx, [ev(1), ev(2)], tail));
    expect(tail.guess?.id).toBe(2);
    const { rows } = await withTx(t.db, (tx) =>
      appendAuditMany(tx, [ev(3, { tab: 'a\tb', quote: '"\\', uni: 'é✓' })], tail),
    );
    expect(rows.map((r) => r.id)).toEqual([3]);
    expect(await ids()).toEqual([1, 2, 3]);
    expect(await brokenAuditRow(t.db)).toBeNull();
    const [stored] = await sqlRows<{ details: string }>(
      t.db,
      sql`select details from audit_events where id = 3`,
    );
    expect(stored!.details).toBe(rows[0]!.details);
  });

  it('notices another appender (another replica) moved the head, and chains onto the real one', async () => {
    const tail = new ChainTail(driver === 'postgres');
    await withTx(t.db, (tx) => appendAuditMany(tx, [ev(1)], tail));
    await appendAudit(t.db, ev(2)); // not through this tail
    await appendAudit(t.db, ev(3));
    const { rows } = await withTx(t.db, (tx) => appendAuditMany(tx, [ev(4), ev(5)], tail));
    expect(rows.map((r) => r.id)).toEqual([4, 5]);
    expect(await count()).toBe(5);
    expect(await brokenAuditRow(t.db)).toBeNull();
  });

  it('recovers from a guess left by a rolled-back batch, even when another writer reused its ids', async () => {
    const tail = new ChainTail(driver === 'postgres');
    await withTx(t.db, (tx) => appendAuditMany(tx, [ev(1)], tail));
    await expect(
      withTx(t.db, async (tx) => {
        await appendAuditMany(tx, [ev(2), ev(3)], tail);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(tail.guess?.id).toBe(3); // a guess nobody committed
    // Someone else writes ids 2 and 3 with other content: same ids, other hashes.
    await appendAudit(t.db, ev(20));
    await appendAudit(t.db, ev(30));
    await withTx(t.db, (tx) => appendAuditMany(tx, [ev(4)], tail));
    expect(await ids()).toEqual([1, 2, 3, 4]);
    expect(await brokenAuditRow(t.db)).toBeNull();
  });

  it('keeps one chain when two tails (two processes’ worth) append concurrently', async () => {
    const a = new ChainTail(driver === 'postgres');
    const b = new ChainTail(driver === 'postgres');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        withTx(t.db, (tx) => appendAuditMany(tx, [ev(i), ev(i + 100)], i % 2 ? a : b)),
      ),
    );
    expect(await count()).toBe(80);
    expect(await ids()).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect(await brokenAuditRow(t.db)).toBeNull();
  });

  it('refuses a bad event before writing anything', async () => {
    const tail = new ChainTail(driver === 'postgres');
    await expect(
      withTx(t.db, (tx) => appendAuditMany(tx, [ev(1), { ...ev(2), action: 'Bad Action' }], tail)),
    ).rejects.toThrow(/noun\.verb/);
    expect(await count()).toBe(0);
    expect(tail.guess).toBeUndefined();
  });
});
