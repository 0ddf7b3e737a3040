/**
 * The pre-migrated PGlite data-dir snapshot (ADR 0052): the one the build ships matches drizzle/
 * (a stale one fails here), a new home restored from an OLDER snapshot still ends with every
 * migration and the same catalog as a database migrated from scratch, and a snapshot that does not
 * fit (other PGlite, rewritten migration, tampered archive) is not used. PGlite only: PostgreSQL
 * has no data directory to seed (its databases are migrated as before).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Executor, migrate, openDatabase, sqlRows } from '../../../src/core/db/client.js';
import {
  migrationHashes,
  pgliteVersion,
  type SnapshotManifest,
  snapshotDir,
  snapshotMismatch,
  usableSnapshot,
} from '../../../src/core/db/pgdata-snapshot.js';
import { buildPgdataSnapshot } from '../../../src/core/db/pgdata-snapshot-build.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';

/** Tables, columns, indexes, constraints and triggers of the schemas migrations write. */
async function catalog(db: Executor): Promise<unknown[]> {
  return [
    await sqlRows(
      db,
      sql`select table_schema, table_name, column_name, data_type, is_nullable, column_default
          from information_schema.columns where table_schema in ('public', 'drizzle')
          order by 1, 2, 3`,
    ),
    await sqlRows(
      db,
      sql`select schemaname, tablename, indexdef from pg_indexes where schemaname in ('public', 'drizzle') order by 1, 2, 3`,
    ),
    await sqlRows(
      db,
      sql`select conrelid::regclass::text as rel, conname, pg_get_constraintdef(oid) as def from pg_constraint
          where connamespace = 'public'::regnamespace order by 1, 2`,
    ),
    await sqlRows(
      db,
      sql`select tgrelid::regclass::text as rel, tgname from pg_trigger where not tgisinternal order by 1, 2`,
    ),
    await sqlRows(
      db,
      sql`select proname, pg_get_functiondef(oid) as def from pg_proc where pronamespace = 'public'::regnamespace order by 1`,
    ),
  ];
}

describe('PGlite data-dir snapshot', () => {
  it('the snapshot the build ships (dist/pgdata) holds exactly the migrations in drizzle/', () => {
    const shipped = usableSnapshot();
    expect(
      shipped,
      `${snapshotDir()} is missing or does not fit: run \`npm run build:pgdata\``,
    ).toBeDefined();
    expect(
      shipped!.manifest.migrations,
      `${snapshotDir()} is stale (a migration was added since it was built): run \`npm run build:pgdata\``,
    ).toEqual(migrationHashes());
    expect(shipped!.manifest.pglite).toBe(pgliteVersion());
  });

  it('refuses a manifest from another PGlite, with a rewritten or an unknown migration, or a tampered archive', () => {
    const current = migrationHashes();
    const ok: SnapshotManifest = { pglite: pgliteVersion(), migrations: current.slice(0, 3), sha256: '' };
    expect(snapshotMismatch(ok)).toBeUndefined();
    expect(snapshotMismatch({ ...ok, pglite: '0.0.1' })).toMatch(/PGlite 0\.0\.1/);
    expect(snapshotMismatch({ ...ok, migrations: [current[0]!, 'f'.repeat(64)] })).toMatch(
      /migration 1 differs/,
    );
    expect(snapshotMismatch({ ...ok, migrations: [...current, 'e'.repeat(64)] })).toMatch(/does not have/);
    const dir = mkdtempSync(join(tmpdir(), 'jitsudo-snap-bad-'));
    writeFileSync(join(dir, 'pgdata.tar.gz'), 'not the archive');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...ok, sha256: '0'.repeat(64) }));
    expect(usableSnapshot(dir)).toBeUndefined();
  });

  describe('a new home from a snapshot one migration behind', () => {
    let snap: string;
    let home: string;
    let fromScratch: TestDb;
    beforeAll(async () => {
      snap = mkdtempSync(join(tmpdir(), 'jitsudo-snap-old-'));
      const all = migrationHashes().length;
      const [manifest, db] = await Promise.all([
        buildPgdataSnapshot(snap, { upTo: all - 1 }),
        createTestDb('pglite'),
      ]);
      fromScratch = db;
      expect(manifest.migrations).toHaveLength(all - 1);
      home = mkdtempSync(join(tmpdir(), 'jitsudo-snap-home-'));
    }, 300_000);
    afterAll(async () => {
      await fromScratch?.close();
    });

    it('is restored (no initdb), gets the missing migration, and has the catalog of a database migrated from scratch', async () => {
      const opened = await openDatabase({ home, database: { pool_size: 1 } }, { pgdataSnapshot: snap });
      try {
        // Restored: the cluster already holds the snapshot's migrations before migrate() runs.
        const before = await sqlRows<{ n: number }>(
          opened.db,
          sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
        );
        expect(before[0]!.n).toBe(migrationHashes().length - 1);
        expect(await migrate(opened.db)).toEqual({ applied: 1 });
        const hashes = await sqlRows<{ hash: string }>(
          opened.db,
          sql`select hash from drizzle.__drizzle_migrations order by created_at`,
        );
        expect(hashes.map((h) => h.hash)).toEqual(migrationHashes());
        expect(await catalog(opened.db)).toEqual(await catalog(fromScratch.db));
      } finally {
        await opened.close();
      }
      // Owner-only like the rest of the home, and nothing left of the unpacking.
      expect(readdirSync(home).sort()).toEqual(['data']);
      const st = readFileSync(join(home, 'data', 'PG_VERSION'), 'utf8');
      expect(st.trim()).toMatch(/^\d+$/);
    });
  });
});
