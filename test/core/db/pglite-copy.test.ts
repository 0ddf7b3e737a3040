import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteCopyOut, supportsRawCopy } from '../../../src/core/db/pglite-copy.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';

// PGlite only: PostgreSQL's COPY goes through postgres.js (audit-repo.ts), not this module.
describe('COPY TO STDOUT off the PGlite wire', () => {
  let t: TestDb;
  let pg: any;
  beforeAll(async () => {
    t = await createTestDb('pglite');
    pg = (t.db as unknown as { $client: unknown }).$client;
    await pg.exec(`create table copy_probe (id int primary key, s text, n text)`);
    await pg.query(`insert into copy_probe values ($1, $2, $3), ($4, $5, $6), ($7, $8, $9)`, [
      1,
      'plain',
      null,
      2,
      'ü ✓ 審査 🔐 "q" \\ tab\there\nnewline',
      'x',
      3,
      'é'.repeat(10),
      '',
    ]);
  });
  afterAll(() => t?.close());

  // pgliteCopyOut runs inside the caller's transaction (as audit-repo.ts calls it); a query on the
  // root client inside it would wait for the transaction forever, so statements go through `tx`.
  const inTx = <T>(fn: (tx: any) => Promise<T>): Promise<T> => pg.transaction(fn);

  it('returns the same text as COPY to /dev/blob, multi-byte characters and escapes included', async () => {
    expect(supportsRawCopy(pg)).toBe(true);
    const q = 'select id, s, n from copy_probe order by id';
    const viaWire = await inTx(() => pgliteCopyOut(pg, q));
    const res = await pg.query(`copy (${q}) to '/dev/blob'`);
    const viaBlob = await res.blob.text();
    expect(viaWire).toBe(viaBlob);
    expect(viaWire.split('\n')[1]).toBe('2\tü ✓ 審査 🔐 "q" \\\\ tab\\there\\nnewline\tx');
    expect(viaWire.endsWith('3\téééééééééé\t\n')).toBe(true);
  });

  it('returns an empty string for no rows', async () => {
    expect(await inTx(() => pgliteCopyOut(pg, 'select id from copy_probe where id < 0'))).toBe('');
  });

  it('carries output larger than its first buffer intact', async () => {
    // ~5 MB: the collector starts smaller (64 KiB, or the last output's size) and must grow intact.
    const q = `select g, repeat('ж', 400) from generate_series(1, 6000) g`;
    const text = await inTx(() => pgliteCopyOut(pg, q));
    const lines = text.split('\n');
    expect(lines).toHaveLength(6001);
    expect(lines[5999]).toBe(`6000\t${'ж'.repeat(400)}`);
    expect(lines.every((l, i) => i === 6000 || l === `${i + 1}\t${'ж'.repeat(400)}`)).toBe(true);
  });

  it("throws PostgreSQL's error for a failing query, and the transaction rolls back cleanly", async () => {
    await expect(
      inTx(async (tx) => {
        await tx.query(`insert into copy_probe values (99, 'rolled back', null)`);
        return pgliteCopyOut(pg, 'select id / 0 from copy_probe');
      }),
    ).rejects.toThrow(/COPY failed: division by zero/);
    const after = await pg.query('select count(*)::int as n from copy_probe where id = 99');
    expect(after.rows[0].n).toBe(0);
    expect(await inTx(() => pgliteCopyOut(pg, 'select id from copy_probe order by id'))).toBe('1\n2\n3\n');
  });
});
