/**
 * The postgres provider run by a non-superuser jitsudod role set up exactly as docs/providers.md
 * says (CREATEROLE, member of pg_signal_backend, CONNECT on the databases), on the real PostgreSQL
 * 15 server: revoke completes — objects the login made go to the requested role and the role is
 * dropped — and a tidy-up it cannot finish is reported as cleanup left, with access already cut.
 */
import { randomBytes } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrantRequest, GrantResult } from '../../src/core/providers/types.js';
import type { PostgresProvider } from '../../src/providers/postgres/index.js';
import {
  connectAs,
  DB,
  PG_URL,
  pgProvider,
  pgRequest,
  setupScratch,
  urlFor,
  WRITER,
} from './support/postgres.js';

const tag = `jt_lp_${randomBytes(3).toString('hex')}`;
const JITSUDOD = `${tag}_jitsudod`;
const OTHER_DB = `${tag}_other`;

/** The admin URL as an operator would write it for the least-privileged role. */
function urlAs(user: string): string {
  const u = new URL(PG_URL!);
  u.username = user;
  u.password = '';
  return u.toString();
}

describe.skipIf(!PG_URL)(
  'postgres provider as a least-privileged jitsudod role (needs TEST_DATABASE_URL)',
  () => {
    let su: Sql;
    const providers: PostgresProvider[] = [];
    const provider = () => {
      const p = pgProvider({ url: urlAs(JITSUDOD) });
      providers.push(p);
      return p;
    };
    const refOf = (request: GrantRequest, g: GrantResult) => ({
      request,
      handle: g.handle,
      expiresAt: g.expiresAt,
    });
    const owner = async (database: string, table: string) => {
      const db = postgres(urlFor(database), { max: 1, onnotice: () => {} });
      try {
        return (await db`select tableowner from pg_tables where tablename = ${table}`)[0]?.tableowner;
      } finally {
        await db.end();
      }
    };
    const roleExists = async (name: string) =>
      (await su`select 1 from pg_roles where rolname = ${name}`).length > 0;

    beforeAll(async () => {
      await setupScratch();
      su = postgres(PG_URL!, { max: 1, onnotice: () => {} });
      // docs/providers.md, postgres temporary_login: "CREATEROLE, membership in pg_signal_backend, and
      // CONNECT to the target databases" — and nothing else.
      await su.unsafe(`create role ${JITSUDOD} login createrole;
      grant pg_signal_backend to ${JITSUDOD};
      grant connect on database ${DB} to ${JITSUDOD};
      grant connect on database ${new URL(PG_URL!).pathname.slice(1)} to ${JITSUDOD};`);
      // A database the requested role may use but jitsudod may not connect to (yet).
      await su.unsafe(`create database ${OTHER_DB}`);
      await su.unsafe(`revoke connect on database ${OTHER_DB} from public;
      grant connect on database ${OTHER_DB} to ${WRITER};`);
      const other = postgres(urlFor(OTHER_DB), { max: 1, onnotice: () => {} });
      await other.unsafe(`grant usage, create on schema public to ${WRITER}`);
      await other.end();
    });
    afterAll(async () => {
      await Promise.all(providers.map((p) => p.close()));
      await su.unsafe(`drop database if exists ${OTHER_DB} with (force)`);
      await su.unsafe(`revoke connect on database ${DB} from ${JITSUDOD};
      revoke connect on database ${new URL(PG_URL!).pathname.slice(1)} from ${JITSUDOD}`);
      await su.unsafe(`drop role if exists ${JITSUDOD}`);
      await su.end();
    });

    it('revoke on PostgreSQL 15 completes: session ended, objects handed to the requested role, role dropped, no membership kept by jitsudod', async () => {
      const p = provider();
      const req = pgRequest({ role: WRITER });
      const g = await p.grant(req);
      const name = g.credentials.PGUSER!;
      const table = `t_${req.requestId.toLowerCase()}`;
      const user = connectAs(g.credentials);
      try {
        await user.unsafe(`create table ${table} (x int)`);
        expect(await p.revoke(refOf(req, g))).toBeUndefined();
        await expect(user`select 1`).rejects.toBeDefined();
      } finally {
        await user.end({ timeout: 0 });
      }
      expect(await roleExists(name)).toBe(false);
      expect(await owner(DB, table)).toBe(WRITER);
      const kept = await su<{ rolname: string }[]>`
      select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid
        join pg_roles u on u.oid = m.member where u.rolname = ${JITSUDOD}`;
      expect(kept.map((k) => k.rolname)).toEqual(['pg_signal_backend']);
      expect(await p.isActive(refOf(req, g))).toBe(false);
    });

    it('a tidy-up it cannot finish is reported as cleanup left once access is cut, and a later revoke finishes it', async () => {
      const p = provider();
      const req = pgRequest({ role: WRITER });
      const g = await p.grant(req);
      const name = g.credentials.PGUSER!;
      const table = `t_${req.requestId.toLowerCase()}`;
      const elsewhere = connectAs({ ...g.credentials, PGDATABASE: OTHER_DB });
      try {
        await elsewhere.unsafe(`create table ${table} (x int)`);
      } finally {
        await elsewhere.end();
      }
      const out = await p.revoke(refOf(req, g));
      expect(out?.cleanupPending).toMatch(
        new RegExp(
          `role ${name} \\(no login, no memberships, no sessions\\) is not dropped yet: permission denied for database "${OTHER_DB}"`,
        ),
      );
      // Access is cut all the same: no login, no membership, not active.
      expect(await p.isActive(refOf(req, g))).toBe(false);
      const [r] = await su`select rolcanlogin from pg_roles where rolname = ${name}`;
      expect(r?.rolcanlogin).toBe(false);
      const again = connectAs(g.credentials);
      try {
        await expect(again`select 1`).rejects.toMatchObject({ code: '28000' });
      } finally {
        await again.end({ timeout: 0 });
      }
      // The operator fixes it; the next revoke (the sweeper's cleanup retry) finishes the job.
      await su.unsafe(`grant connect on database ${OTHER_DB} to ${JITSUDOD}`);
      try {
        expect(await p.revoke(refOf(req, g))).toBeUndefined();
      } finally {
        await su.unsafe(`revoke connect on database ${OTHER_DB} from ${JITSUDOD}`);
      }
      expect(await roleExists(name)).toBe(false);
      expect(await owner(OTHER_DB, table)).toBe(WRITER);
    });
  },
);
