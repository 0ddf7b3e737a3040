/**
 * Scratch databases for the benchmarks: an in-memory PGlite, and — when TEST_DATABASE_URL or
 * DATABASE_URL is set — a fresh PostgreSQL database on that server, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { migrate, type OpenedDatabase, openPostgres, wrapPglite } from '../../src/core/db/client.js';

export interface BenchDb {
  label: 'pglite' | 'postgres';
  opened: OpenedDatabase;
  /** PostgreSQL only: the database URL (a floor connects to it directly with postgres.js). */
  url?: string;
  /** PGlite only: the instance (a floor issues SQL on it directly). */
  pglite?: PGlite;
  dispose(): Promise<void>;
}

/** The PostgreSQL server URL the benchmarks may use, if any. */
export const pgServerUrl = (): string | undefined =>
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

/**
 * A fresh, migrated PGlite: in memory, or with `onDisk` in a temporary data directory like the one
 * jitsudod keeps in $JITSUDO_HOME (a floor for the server must pay the same file I/O it pays).
 */
export async function pgliteDb(opts: { onDisk?: boolean } = {}): Promise<BenchDb> {
  const dir = opts.onDisk ? mkdtempSync(join(tmpdir(), 'jitsudo-bench-pglite-')) : undefined;
  const pglite = new PGlite(dir);
  const opened = await wrapPglite(pglite, undefined);
  await migrate(opened.db);
  return {
    label: 'pglite',
    opened,
    pglite,
    async dispose() {
      await opened.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh, migrated database on the PostgreSQL server, dropped by dispose(). */
export async function postgresDb(server: string, poolSize = 10): Promise<BenchDb> {
  const name = `jitsudo_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(server);
  u.pathname = `/${name}`;
  const url = u.toString();
  const opened = openPostgres(url, poolSize);
  await migrate(opened.db);
  return {
    label: 'postgres',
    opened,
    url,
    async dispose() {
      await opened.close();
      const a = postgres(server, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** Percentile (0–100) of unsorted numbers; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
