import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../../src/core/audit/append.js';
import { acquireDirLock, migrate, openDatabase, sqlRows, withTx } from '../../../src/core/db/client.js';
import { principals } from '../../../src/core/db/schema/index.js';
import { createTestDb, type TestDb, testDatabases } from '../../helpers/db.js';

describe('data-dir lock', () => {
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-lock-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('refuses a lock held by a live process and takes over a stale one', () => {
    const path = join(home, 'a.lock');
    writeFileSync(path, `${process.ppid}\n`); // the parent is alive
    expect(() => acquireDirLock(path)).toThrow(/in use by another jitsudod process \(pid \d+\)/);
    writeFileSync(path, '999999999\n'); // no such pid
    const lock = acquireDirLock(path);
    expect(readFileSync(path, 'utf8').trim()).toBe(String(process.pid));
    expect(() => acquireDirLock(path)).toThrow(/in use/);
    lock.release();
    acquireDirLock(path).release();
  });

  it('opens a file-backed PGlite under <home>/data and refuses a second open', async () => {
    const config = { home, database: { pool_size: 2 } };
    const a = await openDatabase(config);
    try {
      await expect(openDatabase(config)).rejects.toMatchObject({ code: 'CONFLICT' });
      await migrate(a.db);
      expect((await migrate(a.db)).applied).toBe(0);
    } finally {
      await a.close();
    }
    const b = await openDatabase(config);
    const rows = await sqlRows<{ n: number }>(b.db, sql`select count(*)::int as n from audit_events`);
    expect(rows[0]!.n).toBe(0);
    await b.close();
  });

  it('rejects an unknown database URL scheme', async () => {
    await expect(openDatabase({ home, database: { url: 'mysql://x', pool_size: 1 } })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});

describe.each(testDatabases())('database on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t?.close());

  it('rolls back a failed transaction and reuses a passed one', async () => {
    await expect(
      withTx(t.db, async (tx) => {
        await tx.insert(principals).values({ identity: 'rollback@example.com' });
        await withTx(tx, async (inner) => {
          expect(inner).toBe(tx);
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const rows = await t.db.select().from(principals);
    expect(rows).toEqual([]);
  });

  it('enforces the trust tier range in the schema', async () => {
    await expect(
      t.db.insert(principals).values({ identity: 'x@example.com', trustTier: 5 }),
    ).rejects.toThrow();
  });

  it('makes audit_events append-only', async () => {
    await appendAudit(t.db, { actor: 'a@example.com', action: 'test.appended', outcome: 'success' });
    await expect(t.db.execute(sql`update audit_events set actor = 'b'`)).rejects.toThrow();
    await expect(t.db.execute(sql`delete from audit_events`)).rejects.toThrow();
    await expect(t.db.execute(sql`truncate audit_events`)).rejects.toThrow();
  });
});
