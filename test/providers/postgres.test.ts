import { execFile } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { promisify } from 'node:util';
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import type { GrantRef, GrantRequest, GrantResult } from '../../src/core/providers/types.js';
import { ProviderError } from '../../src/core/providers/types.js';
import type { PostgresProvider } from '../../src/providers/postgres/index.js';
import { runProviderContract } from '../contract/provider-contract.js';
import {
  ALICE,
  connectAs,
  DB,
  PG_URL,
  POWER,
  pgProvider,
  pgRequest,
  READER,
  setupScratch,
  WRITER,
} from './support/postgres.js';

const refOf = (request: GrantRequest, g: GrantResult): GrantRef => ({
  request,
  handle: g.handle,
  expiresAt: g.expiresAt,
});
const providers: PostgresProvider[] = [];
const track = (p: PostgresProvider) => {
  providers.push(p);
  return p;
};

describe.skipIf(!PG_URL)('postgres provider on the real server (needs TEST_DATABASE_URL)', () => {
  let admin: Sql;
  beforeAll(async () => {
    await setupScratch();
    admin = postgres(PG_URL!, { max: 2, onnotice: () => {} });
  });
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
    // Grants the contract left in place: drop their temporary roles so the shared server stays clean.
    const left = await admin<
      { rolname: string }[]
    >`select rolname from pg_roles where rolname like 'jitsudo\_req\_%'`;
    const db = postgres(PG_URL!.replace(/\/[^/]*$/, `/${DB}`), { max: 1, onnotice: () => {} });
    for (const { rolname } of left) {
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where usename = ${rolname}`;
      await db.unsafe(`drop owned by ${rolname}`);
      await admin.unsafe(`drop role if exists ${rolname}`);
    }
    await db.end();
    await admin?.end();
  });
  const roleRow = async (name: string) =>
    (await admin`select rolcanlogin, rolvaliduntil from pg_roles where rolname = ${name}`)[0];
  const memberOf = async (member: string, role: string) =>
    (
      await admin`select 1 from pg_auth_members m join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member where r.rolname = ${role} and u.rolname = ${member}`
    ).length > 0;

  runProviderContract('postgres', () => track(pgProvider()), pgRequest, {
    invalid: [
      { name: 'a database name with upper case', change: { scope: 'Shop' } },
      { name: 'a role name with a quote', change: { role: `reader"; drop table x; --` } },
      { name: 'a predefined role not allowed by config', change: { role: 'pg_read_all_data' } },
    ],
    failing: {
      // Nothing listens on port 1: connection refused is a transient, retryable failure.
      retryable: () =>
        track(
          pgProvider({
            url: 'postgres://postgres@127.0.0.1:1/test',
            retry: { attempts: 2, base_delay_ms: 1, max_delay_ms: 2 },
          }),
        ),
      // The contract's request names alice@example.com, who has no login role under an empty map.
      permanent: () => track(pgProvider({ mode: 'grant_role', login_roles: {} })),
    },
  });

  describe('temporary_login', () => {
    it('creates a login role VALID UNTIL the expiry, in the requested role, with a SCRAM verifier only', async () => {
      const req = pgRequest();
      const g = await track(pgProvider()).grant(req);
      const name = g.credentials.PGUSER!;
      expect(name).toBe(`jitsudo_${req.requestId.toLowerCase()}`);
      expect(Object.keys(g.credentials).sort()).toEqual([
        'PGDATABASE',
        'PGHOST',
        'PGPASSWORD',
        'PGPORT',
        'PGUSER',
      ]);
      const row = await roleRow(name);
      expect(row).toMatchObject({ rolcanlogin: true });
      expect(row!.rolvaliduntil.getTime()).toBe(g.expiresAt.getTime());
      expect(await memberOf(name, READER)).toBe(true);
      const [auth] = await admin`select rolpassword from pg_authid where rolname = ${name}`;
      const m = /^SCRAM-SHA-256\$4096:([^$]+)\$([^:]+):(.+)$/.exec(auth!.rolpassword)!;
      expect(m).not.toBeNull();
      // The stored key is derived from the password handed out (so password auth would accept it).
      const salted = pbkdf2Sync(g.credentials.PGPASSWORD!, Buffer.from(m[1]!, 'base64'), 4096, 32, 'sha256');
      const stored = createHash('sha256')
        .update(createHmac('sha256', salted).update('Client Key').digest())
        .digest('base64');
      expect(stored).toBe(m[2]);
    });

    it('the issued login works with psql and the driver, with exactly the role’s privileges', async () => {
      const g = await track(pgProvider()).grant(pgRequest());
      const { stdout } = await promisify(execFile)(
        'psql',
        ['-Atc', 'select current_user, count(*) from orders'],
        { env: { ...process.env, ...g.credentials } },
      );
      expect(stdout.trim()).toBe(`${g.credentials.PGUSER}|2`);
      const user = connectAs(g.credentials);
      try {
        await expect(user`insert into orders values (9, 'x')`).rejects.toMatchObject({ code: '42501' });
      } finally {
        await user.end();
      }
    });

    it('revoke terminates live sessions, drops the role and refuses new logins', async () => {
      const p = track(pgProvider());
      const req = pgRequest();
      const g = await p.grant(req);
      const user = connectAs(g.credentials);
      try {
        await user`select 1`;
        await p.revoke(refOf(req, g));
        await expect(user`select count(*) from orders`).rejects.toBeDefined();
      } finally {
        await user.end({ timeout: 0 });
      }
      expect(await roleRow(g.credentials.PGUSER!)).toBeUndefined();
      const again = connectAs(g.credentials);
      try {
        await expect(again`select 1`).rejects.toMatchObject({ code: '28000' });
      } finally {
        await again.end({ timeout: 0 });
      }
      expect(await p.isActive(refOf(req, g))).toBe(false);
    });

    it('hands objects the temporary login created to the requested role before dropping it', async () => {
      const p = track(pgProvider());
      const req = pgRequest({ role: WRITER });
      const g = await p.grant(req);
      const table = `t_${req.requestId.toLowerCase()}`;
      const user = connectAs(g.credentials);
      try {
        await user.unsafe(`create table ${table} (x int)`);
      } finally {
        await user.end();
      }
      await p.revoke(refOf(req, g));
      const db = postgres(PG_URL!.replace(/\/[^/]*$/, `/${DB}`), { max: 1, onnotice: () => {} });
      try {
        const [t] = await db`select tableowner from pg_tables where tablename = ${table}`;
        expect(t?.tableowner).toBe(WRITER);
        await db.unsafe(`drop table ${table}`);
      } finally {
        await db.end();
      }
      expect(await roleRow(g.credentials.PGUSER!)).toBeUndefined();
    });

    it('past VALID UNTIL the grant is over unless a session survives, which revoke then ends', async () => {
      const p = track(pgProvider());
      const req = pgRequest({ durationSeconds: 1 });
      const g = await p.grant(req);
      const user = connectAs(g.credentials);
      try {
        await user`select 1`;
        await new Promise((r) => setTimeout(r, Math.max(0, g.expiresAt.getTime() - Date.now()) + 200));
        expect((await roleRow(g.credentials.PGUSER!))!.rolvaliduntil.getTime()).toBeLessThan(Date.now());
        // PostgreSQL only checks VALID UNTIL at password login: the open session is still in.
        expect(await p.isActive(refOf(req, g))).toBe(true);
        await p.revoke(refOf(req, g));
        expect(await p.isActive(refOf(req, g))).toBe(false);
      } finally {
        await user.end({ timeout: 0 });
      }
    });

    it('refuses roles with superuser-like attributes and missing databases', async () => {
      const p = track(pgProvider());
      const power = await p.grant(pgRequest({ role: POWER })).catch((e) => e);
      expect(power).toBeInstanceOf(ProviderError);
      expect(power.message).toMatch(/role jt_power has CREATEROLE; jitsudo grants only plain roles/);
      const nodb = await p.grant(pgRequest({ scope: 'jitsudo_no_such_db' })).catch((e) => e);
      expect(nodb.message).toMatch(/database jitsudo_no_such_db does not exist/);
      expect(nodb.retryable).toBe(false);
      expect(() => p.validate(pgRequest({ role: 'jitsudo_x' }))).toThrow(AppError);
    });
  });

  describe('grant_role', () => {
    const grantRoleProvider = () => track(pgProvider({ mode: 'grant_role' }));

    it('grants the role to the requester’s login role; overlapping requests share it; last revoke ends sessions', async () => {
      const p = grantRoleProvider();
      const r1 = pgRequest();
      const r2 = pgRequest();
      const g1 = await p.grant(r1);
      expect(g1.credentials).toMatchObject({ PGUSER: ALICE, PGDATABASE: DB });
      expect(g1.credentials.PGPASSWORD).toBeUndefined();
      const g2 = await p.grant(r2);
      expect(await memberOf(ALICE, READER)).toBe(true);
      const alice = connectAs({ ...g2.credentials, PGPASSWORD: '' });
      try {
        await alice`set role ${alice(READER)}`;
        await p.revoke(refOf(r1, g1));
        expect(await memberOf(ALICE, READER)).toBe(true); // r2 still holds it
        expect(await p.isActive(refOf(r2, g2))).toBe(true);
        await p.revoke(refOf(r2, g2));
        expect(await memberOf(ALICE, READER)).toBe(false);
        // SET ROLE would outlive the REVOKE: the session had to go.
        await expect(alice`select count(*) from orders`).rejects.toBeDefined();
      } finally {
        await alice.end({ timeout: 0 });
      }
      expect(await p.isActive(refOf(r2, g2))).toBe(false);
    });

    it('never takes away a membership the user already had', async () => {
      await admin.unsafe(`grant ${WRITER} to ${ALICE}`);
      try {
        const p = grantRoleProvider();
        const req = pgRequest({ role: WRITER });
        const g = await p.grant(req);
        await p.revoke(refOf(req, g));
        expect(await memberOf(ALICE, WRITER)).toBe(true);
        expect(await p.isActive(refOf(req, g))).toBe(false);
      } finally {
        await admin.unsafe(`revoke ${WRITER} from ${ALICE}`);
      }
    });

    it('refuses a requester without a login role', async () => {
      const e = await grantRoleProvider()
        .grant(pgRequest({ principal: { identity: 'nobody@example.com', kind: 'human', groups: [] } }))
        .catch((x) => x);
      expect(e.message).toMatch(/no login role nobody/);
      expect(e.retryable).toBe(false);
    });
  });

  describe('under faults', () => {
    /** Holds the provider's per-role lock from another session, as a stuck concurrent writer would. */
    async function withLockHeld<T>(req: GrantRequest, fn: () => Promise<T>): Promise<T> {
      const name = `jitsudo_${req.requestId.toLowerCase()}`;
      const holder = postgres(PG_URL!, { max: 1, onnotice: () => {} });
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let acquired!: () => void;
      const locked = new Promise<void>((r) => (acquired = r));
      const tx = holder.begin(async (t) => {
        await t`select pg_advisory_xact_lock(hashtext(${`jitsudo:${name}`}))`;
        acquired();
        await held;
      });
      // Wait for the lock itself, not a fixed time: on a loaded machine connecting alone can take longer.
      await Promise.race([locked, tx]);
      try {
        return await fn();
      } finally {
        release();
        await tx;
        await holder.end();
      }
    }

    it('grant: the server stalls → bounded retries, retryable error, nothing granted', async () => {
      const p = track(pgProvider({ timeout_ms: 300 }));
      const req = pgRequest();
      const started = Date.now();
      const e = await withLockHeld(req, () => p.grant(req).catch((x) => x));
      expect(e).toBeInstanceOf(ProviderError);
      expect(e.retryable).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await roleRow(`jitsudo_${req.requestId.toLowerCase()}`)).toBeUndefined();
    });

    it('revoke: the server stalls → retryable error and the login still works; a later revoke ends it', async () => {
      const p = track(pgProvider({ timeout_ms: 300 }));
      const req = pgRequest();
      const g = await p.grant(req);
      const e = await withLockHeld(req, () => p.revoke(refOf(req, g)).catch((x) => x));
      expect(e).toBeInstanceOf(ProviderError);
      expect(e.retryable).toBe(true);
      expect(await p.isActive(refOf(req, g))).toBe(true);
      expect((await roleRow(g.credentials.PGUSER!))?.rolcanlogin).toBe(true);
      await p.revoke(refOf(req, g));
      expect(await p.isActive(refOf(req, g))).toBe(false);
    });

    it('an unreachable server is a retryable error after the configured attempts', async () => {
      const e = await track(pgProvider({ url: 'postgres://postgres@127.0.0.1:1/test' }))
        .revoke({ request: pgRequest(), handle: {}, expiresAt: new Date() })
        .catch((x) => x);
      expect(e).toBeInstanceOf(ProviderError);
      expect(e.retryable).toBe(true);
      expect(e.message).not.toMatch(/postgres:\/\//);
    });
  });
});
