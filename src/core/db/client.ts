/**
 * One database type for both drivers: embedded PGlite (default, `<home>/data`, one process per data
 * dir enforced by a lock file) and PostgreSQL via postgres.js (pooled). Everything above this folder
 * sees only `Database` / `Executor` and the repo functions.
 */
import { closeSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { ensurePrivateDir, tightenTree, withPrivateUmask } from '../private-files.js';
import { restoreSnapshot, usableSnapshot } from './pgdata-snapshot.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** A drizzle PostgreSQL database, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** The root database or an open transaction; data-layer functions take this and never reach for the root. */
export type Executor = Database | Transaction;
export type Driver = 'pglite' | 'postgres';

export interface OpenedDatabase {
  db: Database;
  driver: Driver;
  /** Closes the pool / PGlite instance and releases the data-dir lock. Idempotent. */
  close(): Promise<void>;
  /** PostgreSQL: the pool's application_name, unique per pool, so its connections can be counted. */
  applicationName?: string;
  /** Connections the pool may open (1 for PGlite). */
  poolSize?: number;
}

let pools = 0;

export { migrate } from './migrate.js';
export { withTx } from './tx.js';

/** Runs a raw `sql` query and returns its rows, whichever driver answered. */
export async function sqlRows<T = Record<string, unknown>>(exec: Executor, query: SQL): Promise<T[]> {
  const res = (await exec.execute(query)) as unknown;
  // postgres-js returns an array-like RowList; PGlite returns { rows }.
  return (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
}

/** Opens the configured database: `database.url` (postgres:// or memory://) or PGlite in `<home>/data`. */
export async function openDatabase(
  config: Pick<Config, 'home' | 'database'>,
  opts: { pgdataSnapshot?: string } = {},
): Promise<OpenedDatabase> {
  const url = config.database.url;
  if (url && /^postgres(ql)?:\/\//.test(url)) return openPostgres(url, config.database.pool_size);
  if (url && url !== 'memory://' && !url.startsWith('memory:'))
    throw new AppError('VALIDATION', 'invalid config key database.url: expected postgres://… or memory://');
  if (url) return wrapPglite(new PGlite(), undefined);
  ensurePrivateDir(config.home);
  const lock = acquireDirLock(join(config.home, 'data.lock'));
  const dataDir = join(config.home, 'data');
  try {
    ensurePrivateDir(dataDir);
    // A new home starts from the shipped, pre-migrated cluster instead of initdb (ADR 0052).
    if (readdirSync(dataDir).length === 0) {
      const snapshot = usableSnapshot(opts.pgdataSnapshot);
      if (snapshot) restoreSnapshot(snapshot.tarGz, dataDir);
    }
    // PGlite unpacks its initial cluster 0666 whatever the umask; the umask covers what PostgreSQL
    // writes while it starts, the walks cover the rest (again at close, for files written since).
    const opened = await withPrivateUmask(() => wrapPglite(new PGlite(dataDir), lock, dataDir));
    try {
      tightenTree(dataDir);
    } catch (e) {
      await opened.close();
      throw e;
    }
    return opened;
  } catch (e) {
    lock.release();
    throw e;
  }
}

/**
 * Wraps an existing PGlite instance (tests clone one); `lock` is released on close, and the files
 * of `dataDir` (when given) are made owner-only again after the instance has closed.
 */
export async function wrapPglite(
  client: PGlite,
  lock: DirLock | undefined,
  dataDir?: string,
): Promise<OpenedDatabase> {
  await client.waitReady;
  const db = drizzlePglite({ client, schema }) as unknown as Database;
  let closed = false;
  return {
    db,
    driver: 'pglite',
    poolSize: 1,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
        if (dataDir) tightenTree(dataDir);
      } finally {
        lock?.release();
      }
    },
  };
}

/** Connects to PostgreSQL with a postgres.js pool of `poolSize` connections. */
export function openPostgres(url: string, poolSize: number): OpenedDatabase {
  const applicationName = `jitsudod/${process.pid}/${++pools}`;
  const client = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    connection: { application_name: applicationName },
  });
  const db = drizzlePostgres({ client, schema }) as unknown as Database;
  let closed = false;
  return {
    db,
    driver: 'postgres',
    applicationName,
    poolSize,
    async close() {
      if (closed) return;
      closed = true;
      await client.end({ timeout: 5 });
    },
  };
}

export interface DirLock {
  path: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<path>` exclusively for this process (PGlite has no cross-process locking, and two writers
 * corrupt the data dir). A lock left by a dead process is taken over.
 */
export function acquireDirLock(path: string): DirLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          try {
            if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
          } catch {
            // already gone: nothing to release
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder = Number.NaN;
    try {
      holder = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    } catch {
      continue; // vanished between open and read: retry
    }
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder))
      throw new AppError(
        'CONFLICT',
        `the data directory is in use by another jitsudod process (pid ${holder}); stop it first or set JITSUDO_HOME to another directory (lock file ${path})`,
      );
    try {
      unlinkSync(path); // stale: its process is gone
    } catch {
      // someone else took it over first; retry the exclusive create
    }
  }
  throw new AppError('CONFLICT', `could not take the data directory lock ${path}`);
}
