import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../../src/core/audit/append.js';
import { verifyAuditChain } from '../../../src/core/audit/verify.js';
import { sqlRows, withTx } from '../../../src/core/db/client.js';
import { principals } from '../../../src/core/db/schema/index.js';
import { createTestDb, type TestDb, testDatabases } from '../../helpers/db.js';
import { asDba, keys } from './support.js';

const run = promisify(execFile);

describe.each(testDatabases())('appendAudit on %s', (driver) => {
  let t: TestDb;
  const rows = async () => sqlRows<{ n: number }>(t.db, sql`select count(*)::int as n from audit_events`);
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t?.close());
  beforeEach(() => asDba(t.db, 'delete from audit_events; delete from principals'));

  it('returns the stored, chained event', async () => {
    const a = await appendAudit(t.db, {
      actor: 'alice@example.com',
      action: 'request.created',
      requestId: 'req_1',
      provider: 'aws',
      resourceScope: '123',
      outcome: 'success',
      details: { b: 1, a: [true, null] },
    });
    const b = await appendAudit(t.db, { actor: 'system', action: 'grant.expired', outcome: 'success' });
    expect(a).toMatchObject({
      id: 1,
      actor_kind: 'human',
      prev_hash: '0'.repeat(64),
      details: { a: [true, null], b: 1 },
    });
    expect(b).toMatchObject({
      id: 2,
      actor_kind: 'system',
      prev_hash: a.hash,
      request_id: null,
      details: {},
    });
    expect(a.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('rolls back with the state change it records', async () => {
    await expect(
      withTx(t.db, async (tx) => {
        await tx.insert(principals).values({ identity: 'x@example.com' });
        await appendAudit(tx, { actor: 'x@example.com', action: 'principal.created', outcome: 'success' });
        throw new Error('later failure');
      }),
    ).rejects.toThrow('later failure');
    expect((await rows())[0]!.n).toBe(0);
    expect(await t.db.select().from(principals)).toEqual([]);
  });

  it('a failed append rolls the state change back', async () => {
    await expect(
      withTx(t.db, async (tx) => {
        await tx.insert(principals).values({ identity: 'y@example.com' });
        // PostgreSQL refuses a NUL byte in text: the insert of the audit row fails inside the transaction.
        await appendAudit(tx, {
          actor: 'y@example.com\u0000',
          action: 'principal.created',
          outcome: 'success',
        });
      }),
    ).rejects.toThrow();
    expect(await t.db.select().from(principals)).toEqual([]);
    expect((await rows())[0]!.n).toBe(0);
  });

  it.each([
    ['a malformed action', { actor: 'a', action: 'Created', outcome: 'success' }],
    ['an unknown outcome', { actor: 'a', action: 'x.y', outcome: 'ok' }],
    ['no actor', { actor: '', action: 'x.y', outcome: 'success' }],
    ['details that are not an object', { actor: 'a', action: 'x.y', outcome: 'success', details: [1] }],
    ['a non-finite number', { actor: 'a', action: 'x.y', outcome: 'success', details: { n: Number.NaN } }],
  ])('refuses %s before writing', async (_what, e) => {
    await expect(appendAudit(t.db, e as any)).rejects.toBeDefined();
    expect((await rows())[0]!.n).toBe(0);
  });

  it('keeps one chain under concurrent appends in this process', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        appendAudit(t.db, { actor: `u${i}@example.com`, action: 'test.appended', outcome: 'success' }),
      ),
    );
    const r = await verifyAuditChain({ db: t.db, keys });
    expect(r).toMatchObject({ ok: true, rows_checked: 40 });
  });

  it.runIf(driver === 'postgres')(
    'keeps one chain with appends from two OS processes (PostgreSQL only: a PGlite data dir admits one process)',
    async () => {
      const worker = new URL('./append-worker.ts', import.meta.url).pathname;
      const tsx = new URL('../../../node_modules/.bin/tsx', import.meta.url).pathname;
      // The workers must not inherit vitest's worker environment (it makes tsx wait for a parent IPC).
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !/^(VITEST|NODE_OPTIONS)/.test(k)),
      );
      const opts = { env, timeout: 90_000 };
      const [a, b] = await Promise.all([
        run(tsx, [worker, t.url!, 'left', '150'], opts),
        run(tsx, [worker, t.url!, 'right', '150'], opts),
      ]);
      expect([a.stdout.trim(), b.stdout.trim()]).toEqual(['done 150', 'done 150']);
      const r = await verifyAuditChain({ db: t.db, keys });
      expect(r).toMatchObject({ ok: true, rows_checked: 300, first_broken: null });
      const by = await sqlRows<{ actor: string; n: number }>(
        t.db,
        sql`select actor, count(*)::int as n from audit_events group by actor order by actor`,
      );
      expect(by).toEqual([
        { actor: 'left@example.com', n: 150 },
        { actor: 'right@example.com', n: 150 },
      ]);
      // Interleaved, not one process after the other: the chain really was shared.
      const switches = await sqlRows<{ n: number }>(
        t.db,
        sql`select count(*)::int as n from (select actor, lag(actor) over (order by id) as prev from audit_events) x where actor <> prev`,
      );
      expect(switches[0]!.n).toBeGreaterThan(1);
    },
    120_000,
  );
});
