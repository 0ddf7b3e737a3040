/**
 * Isolated, migrated databases for tests. Usage:
 *   describe.each(testDatabases())('thing on %s', (driver) => {
 *     let t: TestDb; beforeAll(async () => { t = await createTestDb(driver); }); afterAll(() => t.close());
 *   });
 * PGlite: migrated once, then each call loads a copy of that data dir (~2 s of CPU instead of initdb +
 * migrate, ~12 s). Vitest runs each test file in a fresh process, so the migrated data dir is also kept
 * on disk, keyed by the migrations and the PGlite version: only the first file to need it builds it.
 * PostgreSQL: a fresh copy of a migrated template database per call on TEST_DATABASE_URL's server,
 * dropped on close.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import { deriveServerKeys } from '../../src/core/crypto/secrets.js';
import { bindAuditMacKey } from '../../src/core/db/audit-key.js';
import {
  type Database,
  type Driver,
  migrate,
  type OpenedDatabase,
  openPostgres,
  wrapPglite,
} from '../../src/core/db/client.js';
import { migrationsFolder } from '../../src/core/db/migrate.js';

export type TestDb = OpenedDatabase & { db: Database; driver: Driver; url?: string };

/**
 * The server keys a test database is bound to (its audit rows get their MACs from them, ADR 0035),
 * as if a jitsudod with this master key had opened it; createCore rebinds to the keys it is given.
 */
export const TEST_SERVER_KEYS = deriveServerKeys(Buffer.alloc(32, 1));

function bound<T extends OpenedDatabase>(opened: T): T {
  bindAuditMacKey(opened.db, TEST_SERVER_KEYS.auditMacKeys[0]!);
  return opened;
}

/** 'pglite' always; 'postgres' too when TEST_DATABASE_URL is set. */
export function testDatabases(): Driver[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

let pgliteTemplate: Promise<Blob> | undefined;
let sweptStale: Promise<void> | undefined;

/** Drops test databases left by test processes that died before their close() ran. */
async function dropStaleDatabases(admin: string): Promise<void> {
  const root = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    const rows = await root<
      { datname: string }[]
    >`select datname from pg_database where datname like 'jitsudo_t_%'`;
    for (const { datname } of rows) {
      const pid = Number(/^jitsudo_t_(\d+)_/.exec(datname)?.[1]);
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
      if (!alive) await root.unsafe(`drop database if exists ${datname} with (force)`).catch(() => {});
    }
  } finally {
    await root.end();
  }
}

/** Names the migrated templates: a new migration or PGlite version is a new template. */
function templateKey(): string {
  const pkg = new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url);
  const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
  const migrations = readMigrationFiles({ migrationsFolder: migrationsFolder() }).map((m) => [
    m.folderMillis,
    m.hash,
  ]);
  const key = createHash('sha256')
    .update(JSON.stringify([version, migrations]))
    .digest('hex')
    .slice(0, 16);
  return key;
}

const templateFile = () => join(tmpdir(), `jitsudo-test-pglite-${templateKey()}.tar`);

async function buildPgliteTemplate(): Promise<Blob> {
  const file = templateFile();
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const pg = new PGlite();
  const opened = await wrapPglite(pg, undefined);
  await migrate(opened.db);
  const dump = await pg.dumpDataDir('none');
  await opened.close();
  // Written aside and renamed: a process reading it never sees half a file (two builders: last wins).
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, file);
  return dump;
}

let postgresTemplate: Promise<string> | undefined;

/**
 * A migrated database on the server that test databases are copied from (CREATE DATABASE … TEMPLATE
 * takes ~0.2 s where creating and migrating took ~1.6 s). Built once by whichever process needs it
 * first, under an advisory lock, and renamed into place when complete. Its name must not match the
 * stale-database sweep's `jitsudo_t_%`; nothing connects to it afterwards (a copy needs that).
 */
async function buildPostgresTemplate(admin: string): Promise<string> {
  const name = `jtest_tpl_${templateKey()}`;
  const root = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    await root`select pg_advisory_lock(7244315003)`;
    if ((await root`select 1 from pg_database where datname = ${name}`).length === 0) {
      const building = `jtest_tplb_${process.pid}_${randomBytes(4).toString('hex')}`;
      await root.unsafe(`create database ${building}`);
      const opened = openPostgres(databaseUrl(building), 1);
      try {
        await migrate(opened.db);
      } finally {
        await opened.close();
      }
      await root.unsafe(`alter database ${building} rename to ${name}`);
    }
  } finally {
    await root.end(); // the session ends: the advisory lock is released
  }
  return name;
}

/** The URL of a database named `name` on TEST_DATABASE_URL's server. */
export function databaseUrl(name: string): string {
  const u = new URL(process.env.TEST_DATABASE_URL!);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, migrated, isolated database on `driver`; `close()` disposes of it. */
export async function createTestDb(driver: Driver, opts: { poolSize?: number } = {}): Promise<TestDb> {
  if (driver === 'pglite') {
    pgliteTemplate ??= buildPgliteTemplate();
    const pg = new PGlite({ loadDataDir: await pgliteTemplate });
    return bound(await wrapPglite(pg, undefined));
  }
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error('TEST_DATABASE_URL is not set');
  sweptStale ??= dropStaleDatabases(admin);
  await sweptStale;
  const name = `jitsudo_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  postgresTemplate ??= buildPostgresTemplate(admin);
  const template = await postgresTemplate;
  const root = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    await root.unsafe(`create database ${name} template ${template}`);
  } finally {
    await root.end();
  }
  const url = databaseUrl(name);
  const opened = openPostgres(url, opts.poolSize ?? 5);
  return bound({
    ...opened,
    url,
    async close() {
      await opened.close();
      const r = postgres(admin, { max: 1, onnotice: () => {} });
      await r.unsafe(`drop database if exists ${name} with (force)`);
      await r.end();
    },
  });
}
