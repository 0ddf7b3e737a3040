/**
 * Isolated, migrated databases for tests. Usage:
 *   describe.each(testDatabases())('thing on %s', (driver) => {
 *     let t: TestDb; beforeAll(async () => { t = await createTestDb(driver); }); afterAll(() => t.close());
 *   });
 * PGlite: migrated once per process, then each call loads a copy of that data dir (~0.8 s instead of
 * initdb + migrate). PostgreSQL: a fresh database per call on TEST_DATABASE_URL's server, dropped on close.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
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

async function buildPgliteTemplate(): Promise<Blob> {
  const pg = new PGlite();
  const opened = await wrapPglite(pg, undefined);
  await migrate(opened.db);
  const dump = await pg.dumpDataDir('none');
  await opened.close();
  return dump;
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
  const root = postgres(admin, { max: 1, onnotice: () => {} });
  await root.unsafe(`create database ${name}`);
  await root.end();
  const url = databaseUrl(name);
  const opened = openPostgres(url, opts.poolSize ?? 5);
  try {
    await migrate(opened.db);
  } catch (e) {
    await opened.close();
    throw e;
  }
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
