/**
 * Issue 9, items 1 and 2 through core with the real postgres provider, run as a non-superuser
 * jitsudod role set up as docs/providers.md says, on the real PostgreSQL 15 server: a role that
 * reaches a superuser role is refused at creation and nothing is recorded; the approver sees what a
 * plain role reaches; revoke ends the request REVOKED with credentials wiped; a leftover the role
 * could not yet drop is cleanup pending, not an ACTIVE request, and the sweeper finishes it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import postgres, { type Sql } from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { type Core, createCore } from '../../src/core/create-core.js';
import { deriveServerKeys } from '../../src/core/crypto/secrets.js';
import type { PostgresProvider } from '../../src/providers/postgres/index.js';
import { Sweeper } from '../../src/sweeper/index.js';
import {
  appError,
  auditActions,
  Clock,
  countRows,
  human,
  storedCredentials,
  testPolicies,
  uniq,
} from '../core/requests/fixtures.js';
import { brokenAuditRow } from '../helpers/audit-chain.js';
import { createTestDb, type TestDb, testDatabases } from '../helpers/db.js';
import {
  connectAs,
  DB,
  PG_URL,
  pgProvider,
  setupScratch,
  urlFor,
  WRITER,
} from '../providers/support/postgres.js';

const tag = `jt_lpc_${randomBytes(3).toString('hex')}`;
const JITSUDOD = `${tag}_jitsudod`;
const OTHER_DB = `${tag}_other`;
const SU = `${tag}_su`;
const MID = `${tag}_mid`; // member of SU
const SNEAKY = `${tag}_sneaky`; // member of MID: reaches a superuser two steps up
const APP = `${tag}_app`; // member of jt_writer only
const TEST_DB = PG_URL ? new URL(PG_URL).pathname.slice(1) : '';

describe.skipIf(!PG_URL)(
  'postgres through core as a least-privileged jitsudod (needs TEST_DATABASE_URL)',
  () => {
    let su: Sql;
    beforeAll(async () => {
      await setupScratch();
      su = postgres(PG_URL!, { max: 1, onnotice: () => {} });
      await su.unsafe(`create role ${JITSUDOD} login createrole;
      grant pg_signal_backend to ${JITSUDOD};
      grant connect on database ${DB} to ${JITSUDOD};
      grant connect on database ${TEST_DB} to ${JITSUDOD};
      create role ${SU} nologin superuser;
      create role ${MID} nologin in role ${SU};
      create role ${SNEAKY} nologin in role ${MID};
      create role ${APP} nologin in role ${WRITER};`);
      await su.unsafe(`create database ${OTHER_DB}`);
      await su.unsafe(`revoke connect on database ${OTHER_DB} from public;
      grant connect on database ${OTHER_DB} to ${WRITER};`);
      const other = postgres(urlFor(OTHER_DB), { max: 1, onnotice: () => {} });
      await other.unsafe(`grant usage, create on schema public to ${WRITER}`);
      await other.end();
    });
    afterAll(async () => {
      await su.unsafe(`drop database if exists ${OTHER_DB} with (force)`);
      const db = postgres(urlFor(DB), { max: 1, onnotice: () => {} });
      await db.unsafe(`drop owned by ${APP}`);
      await db.end();
      await su.unsafe(`revoke connect on database ${DB} from ${JITSUDOD};
      revoke connect on database ${TEST_DB} from ${JITSUDOD}`);
      for (const r of [JITSUDOD, SNEAKY, MID, SU, APP]) await su.unsafe(`drop role if exists ${r}`);
      await su.end();
    });

    // Each test builds a fresh jitsudo database (migrations on PGlite) and talks to a real server.
    describe.each(testDatabases())('jitsudo on %s', { timeout: 120_000 }, (driver) => {
      let core: Core;
      let testDb: TestDb;
      let provider: PostgresProvider;
      const clock = new Clock(Date.now());
      afterEach(async () => {
        await core?.close();
        await provider?.close();
        await testDb?.close();
      });

      async function setup() {
        testDb = await createTestDb(driver);
        provider = pgProvider({
          url: (() => {
            const u = new URL(PG_URL!);
            u.username = JITSUDOD;
            return u.toString();
          })(),
        });
        core = await createCore({
          config: parseConfig({
            home: mkdtempSync(join(tmpdir(), 'jitsudo-pg-lp-')),
            log: { level: 'silent' },
            sweeper: { max_attempts: 3, reconcile_interval_seconds: 0 },
          }),
          db: testDb,
          providers: [provider],
          policies: testPolicies(),
          keys: deriveServerKeys(createHash('sha256').update('test-master-key').digest()),
          now: clock.now,
          log: pino({ level: 'silent' }),
        });
      }
      const ask = (who: ReturnType<typeof human>, role: string) =>
        core.createRequest(who, {
          provider: 'postgres',
          role,
          resource_scope: DB,
          duration: '30m',
          reason: 'x',
        });
      /** Requested, approved by someone else, and used: a table made by the temporary login in `database`. */
      async function granted(database: string) {
        const alice = human(uniq('alice'), ['sre']);
        const created = await ask(alice, APP);
        const approved = await core.approveRequest(human(uniq('bob')), { id: created.id });
        expect(approved.state).toBe('ACTIVE');
        const { credentials } = await core.getCredentials(alice, { id: created.id });
        const table = `t_${created.id.toLowerCase()}`;
        const user = connectAs({ ...credentials, PGDATABASE: database });
        await user.unsafe(`create table ${table} (x int)`);
        return { alice, id: created.id, table, user, login: credentials.PGUSER! };
      }

      it('refuses at creation a role that reaches a superuser through two memberships; the approver sees what a plain role reaches', async () => {
        await setup();
        const alice = human(uniq('alice'), ['sre']);
        const e = await appError(ask(alice, SNEAKY));
        expect(e.code).toBe('VALIDATION');
        expect(e.message).toContain(`reaches ${SU} (${SNEAKY} > ${MID} > ${SU}), which has SUPERUSER`);
        expect(await countRows(testDb.db, alice.identity)).toBe(0);

        const r = await ask(alice, APP);
        expect(r.state).toBe('PENDING');
        const shown = await core.approveRequest(human(uniq('bob')), { id: r.id });
        expect(shown.target).toEqual({
          database: DB,
          role: APP,
          reaches: [WRITER],
          via: { [WRITER]: `${APP} > ${WRITER}` },
        });
        await core.revokeRequest(alice, { id: r.id });
      });

      it('revoke completes on PostgreSQL 15: REVOKED, credentials wiped, session ended, role dropped, objects kept', async () => {
        await setup();
        const g = await granted(DB);
        try {
          const v = await core.revokeRequest(g.alice, { id: g.id });
          expect(v.state).toBe('REVOKED');
          expect(v.cleanup).toBeNull();
          await expect(g.user`select 1`).rejects.toBeDefined();
        } finally {
          await g.user.end({ timeout: 0 });
        }
        expect(await storedCredentials(testDb.db, g.id)).toBeNull();
        const actions = await auditActions(testDb.db, g.id);
        expect(actions).toContain('grant.revoked');
        expect(actions).not.toContain('grant.revoke_failed');
        expect((await su`select 1 from pg_roles where rolname = ${g.login}`).length).toBe(0);
        const db = postgres(urlFor(DB), { max: 1, onnotice: () => {} });
        try {
          expect(
            (await db`select tableowner from pg_tables where tablename = ${g.table}`)[0]?.tableowner,
          ).toBe(APP);
        } finally {
          await db.end();
        }
      });

      it('a leftover it cannot drop yet is cleanup pending on a REVOKED request; the sweeper finishes it once it can', async () => {
        await setup();
        const g = await granted(OTHER_DB);
        await g.user.end();
        const v = await core.revokeRequest(g.alice, { id: g.id });
        expect(v.state).toBe('REVOKED');
        expect(v.cleanup?.pending).toMatch(/not dropped yet: permission denied for database/);
        expect(await storedCredentials(testDb.db, g.id)).toBeNull();
        expect(await auditActions(testDb.db, g.id)).toEqual(
          expect.arrayContaining(['grant.revoked', 'grant.cleanup_pending']),
        );

        await su.unsafe(`grant connect on database ${OTHER_DB} to ${JITSUDOD}`);
        try {
          clock.advance(11 * 60_000);
          expect((await new Sweeper(core.deps).tick()).cleanup).toBe(1);
        } finally {
          await su.unsafe(`revoke connect on database ${OTHER_DB} from ${JITSUDOD}`);
        }
        const after = await core.getRequest(g.alice, { id: g.id });
        expect(after.state).toBe('REVOKED');
        expect(after.cleanup).toBeNull();
        expect(await auditActions(testDb.db, g.id)).toContain('grant.cleanup_done');
        expect((await su`select 1 from pg_roles where rolname = ${g.login}`).length).toBe(0);
        expect(await brokenAuditRow(testDb.db)).toBeNull();
      });
    });
  },
);
