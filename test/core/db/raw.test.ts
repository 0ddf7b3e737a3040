import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTx } from '../../../src/core/db/client.js';
import { FastTable, rawRows } from '../../../src/core/db/raw.js';
import { approvals, requests } from '../../../src/core/db/schema/index.js';
import { newId } from '../../../src/core/ids.js';
import { createTestDb, type TestDb, testDatabases } from '../../helpers/db.js';

const fastRequests = new FastTable(requests);
const fastApprovals = new FastTable(approvals);

function newRequest(over: Partial<typeof requests.$inferInsert> = {}): typeof requests.$inferInsert {
  return {
    id: newId('req'),
    state: 'PENDING',
    requesterIdentity: 'a@x.io',
    requesterGroups: ['sre', 'a "quoted" \\ group'],
    provider: 'mock',
    role: 'ReadOnly',
    durationSeconds: 3600,
    metadata: { ticket: 'INC-1', 'emoji ✓': 'yes' },
    pendingExpiresAt: new Date('2030-01-02T03:04:05.678Z'),
    ...over,
  };
}

describe.each(testDatabases())('hot-path SQL on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.close());

  it('inserts and returns exactly the row the query builder reads back (defaults, dates, json, nulls)', async () => {
    const row = newRequest();
    const inserted = await fastRequests.insert(t.db, row);
    const [read] = await t.db.select().from(requests).where(eq(requests.id, row.id));
    expect(inserted).toEqual(read);
    expect(inserted.pendingExpiresAt).toEqual(row.pendingExpiresAt);
    expect(inserted.requesterGroups).toEqual(row.requesterGroups);
    expect(inserted.metadata).toEqual(row.metadata);
    expect(inserted.breakGlass).toBe(false); // database default
    expect(inserted.createdAt).toBeInstanceOf(Date);
    expect(inserted.grantHandle).toBeNull();
    expect(inserted.version).toBe(0);
  });

  it('updates with a match and a counter, and answers undefined when nothing matched', async () => {
    const row = await fastRequests.insert(t.db, newRequest());
    const now = new Date('2031-05-06T07:08:09.010Z');
    const none = await fastRequests.update(
      t.db,
      { state: 'ACTIVE', updatedAt: now },
      { id: row.id, state: 'APPROVED' },
      'version',
    );
    expect(none).toBeUndefined();
    const after = await fastRequests.update(
      t.db,
      { state: 'ACTIVE', updatedAt: now, grantHandle: { token: 'x', n: [1, 2] }, lastError: null },
      { id: row.id, state: 'PENDING' },
      'version',
    );
    const [read] = await t.db.select().from(requests).where(eq(requests.id, row.id));
    expect(after).toEqual(read);
    expect(after).toMatchObject({
      state: 'ACTIVE',
      version: 1,
      updatedAt: now,
      grantHandle: { token: 'x', n: [1, 2] },
    });
  });

  it('runs inside the caller’s transaction: a rollback takes the row with it', async () => {
    const row = newRequest();
    await expect(
      withTx(t.db, async (tx) => {
        await fastRequests.insert(tx, row);
        await fastApprovals.insert(tx, {
          id: newId('apr'),
          requestId: row.id,
          actorIdentity: 'policy',
          actorKind: 'policy',
          decision: 'approve',
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await rawRows(t.db, 'select id from requests where id = $1', [row.id])).toEqual([]);
  });

  it('refuses keys the table does not have, and the database still refuses bad values', async () => {
    await expect(fastRequests.insert(t.db, { ...newRequest(), nope: 1 } as never)).rejects.toThrow(
      /no column for key nope/,
    );
    await expect(fastRequests.insert(t.db, newRequest({ durationSeconds: -1 }))).rejects.toThrow();
    const dup = newRequest();
    await fastRequests.insert(t.db, dup);
    await expect(fastRequests.insert(t.db, dup)).rejects.toThrow();
  });
});
