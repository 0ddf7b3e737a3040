/** A scratch database and roles on the real PostgreSQL server for the postgres provider's tests. */
import postgres, { type Sql } from 'postgres';
import { ulid } from 'ulid';
import type { GrantRequest } from '../../../src/core/providers/types.js';
import { createPostgresProvider, type PostgresProvider } from '../../../src/providers/postgres/index.js';

export const PG_URL = process.env.TEST_DATABASE_URL;
export const DB = 'jitsudo_pg_e2e';
export const READER = 'jt_reader';
export const WRITER = 'jt_writer';
export const ALICE = 'jt_alice';
export const POWER = 'jt_power';

export const urlFor = (database: string) => {
  const u = new URL(PG_URL!);
  u.pathname = `/${database}`;
  return u.toString();
};

/** Creates the database, a table and the roles (idempotent: reruns reuse them). */
export async function setupScratch(): Promise<void> {
  const admin = postgres(PG_URL!, { max: 1, onnotice: () => {} });
  try {
    if ((await admin`select 1 from pg_database where datname = ${DB}`).length === 0)
      await admin.unsafe(`create database ${DB}`);
    for (const [name, attrs] of [
      [READER, 'nologin'],
      [WRITER, 'nologin'],
      [ALICE, 'login'],
      [POWER, 'nologin createrole'],
    ] as const)
      if ((await admin`select 1 from pg_roles where rolname = ${name}`).length === 0)
        await admin.unsafe(`create role ${name} ${attrs}`);
  } finally {
    await admin.end();
  }
  const db = postgres(urlFor(DB), { max: 1, onnotice: () => {} });
  try {
    await db.unsafe(`create table if not exists orders (id int primary key, item text);
      insert into orders values (1, 'book'), (2, 'pen') on conflict do nothing;
      grant select on orders to ${READER};
      grant select, insert on orders to ${WRITER};
      grant usage, create on schema public to ${WRITER};`);
  } finally {
    await db.end();
  }
}

export function pgProvider(extra: Record<string, unknown> = {}): PostgresProvider {
  return createPostgresProvider({
    url: PG_URL,
    timeout_ms: 1_000,
    terminate_wait_ms: 3_000,
    retry: { attempts: 3, base_delay_ms: 1, max_delay_ms: 5 },
    login_roles: { 'alice@example.com': ALICE },
    ...extra,
  });
}

export const pgRequest = (overrides: Partial<GrantRequest> = {}): GrantRequest => ({
  requestId: `req_${ulid()}`,
  principal: { identity: 'alice@example.com', kind: 'human', groups: [] },
  role: READER,
  scope: DB,
  durationSeconds: 3600,
  reason: 'e2e',
  metadata: {},
  ...overrides,
});

/** Opens a session as the issued temporary login, exactly as a user's client would. */
export const connectAs = (cred: Record<string, string>): Sql =>
  postgres({
    host: cred.PGHOST,
    port: Number(cred.PGPORT),
    user: cred.PGUSER,
    password: cred.PGPASSWORD,
    database: cred.PGDATABASE,
    max: 1,
    onnotice: () => {},
    connect_timeout: 3,
  });
