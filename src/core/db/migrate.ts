import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Database } from './client.js';

/** Arbitrary constant: the advisory lock that lets only one replica migrate at a time. */
const MIGRATE_LOCK = 7_244_315_002;

/** The `drizzle/` folder of this package, found from this file (works from src via tsx and from dist). */
export function migrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'drizzle', 'meta', '_journal.json');
    if (existsSync(candidate)) return join(dir, 'drizzle');
    dir = resolve(dir, '..');
  }
  throw new Error('drizzle/ migrations folder not found next to the jitsudo package');
}

/**
 * Applies pending migrations (drizzle's journal and `drizzle.__drizzle_migrations` bookkeeping),
 * in one transaction under an advisory lock so replicas starting together migrate once.
 */
export async function migrate(db: Database, opts: { upTo?: number } = {}): Promise<{ applied: number }> {
  // upTo: only the first N migrations (a data-dir snapshot as an older build wrote it, ADR 0052).
  const migrations = readMigrationFiles({ migrationsFolder: migrationsFolder() }).slice(0, opts.upTo);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATE_LOCK})`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(
      sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
    );
    const res = (await tx.execute(
      sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
    )) as unknown;
    const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { created_at: unknown }[];
    const last = rows[0] ? Number(rows[0].created_at) : -1;
    let applied = 0;
    for (const m of migrations) {
      if (m.folderMillis <= last) continue;
      for (const stmt of m.sql) if (stmt.trim()) await tx.execute(sql.raw(stmt));
      await tx.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${m.hash}, ${m.folderMillis})`,
      );
      applied++;
    }
    return { applied };
  });
}
