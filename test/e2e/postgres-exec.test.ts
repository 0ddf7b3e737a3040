/**
 * The postgres provider end to end, through the real processes a user runs: `jitsudod` configured
 * with `providers.postgres` on the local PostgreSQL server, `jitsudo request`, then
 * `jitsudo exec <id> -- psql …` works during the grant and stops working once the sweeper has
 * expired it, or once `jitsudo revoke` has ended it (which also cuts an open psql session).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  cleanEnv,
  jitsudo,
  type ServerProcess,
  startJitsudod,
  tempHome,
} from './support/processes.js';

const PG_URL = process.env.TEST_DATABASE_URL;
const DB = 'jitsudo_pg_exec_e2e';
const ROLE = 'e2e_pg_reader';
// Its own prefix, so the provider suite's cleanup of `jitsudo_req_%` roles never touches ours.
const PREFIX = 'jte2e_';
const GRANT_SECONDS = 12;
/** Prints the grant's PG* variables from inside `jitsudo exec` (the only place they exist). */
const GRANT_ENV_SCRIPT =
  'const e = process.env; console.log(JSON.stringify({PGHOST: e.PGHOST, PGPORT: e.PGPORT, PGUSER: e.PGUSER, PGPASSWORD: e.PGPASSWORD, PGDATABASE: e.PGDATABASE}))';

const urlFor = (database: string) => {
  const u = new URL(PG_URL!);
  u.pathname = `/${database}`;
  return u.toString();
};

/** libpq's variables, taken from the grant as `jitsudo exec` hands them to its child. */
type PgEnv = Record<'PGHOST' | 'PGPORT' | 'PGUSER' | 'PGPASSWORD' | 'PGDATABASE', string>;

function psql(env: PgEnv, sql: string): Promise<CliResult> {
  return new Promise((res, rej) => {
    const p = spawn('psql', ['-X', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
      env: cleanEnv({ ...env, PGCONNECT_TIMEOUT: '3' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += d;
    });
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.once('error', rej);
    p.once('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
}

describe.skipIf(!PG_URL)(
  'jitsudo exec -- psql against the local PostgreSQL (needs TEST_DATABASE_URL)',
  () => {
    let admin: Sql;
    let server: ServerProcess;
    const home = tempHome('pg-exec-alice');
    const as = (...args: string[]) => jitsudo(args, { home, server: server.url });
    const open: ChildProcess[] = [];

    beforeAll(async () => {
      admin = postgres(PG_URL!, { max: 2, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${DB} with (force)`);
      await admin.unsafe(`create database ${DB}`);
      if ((await admin`select 1 from pg_roles where rolname = ${ROLE}`).length === 0)
        await admin.unsafe(`create role ${ROLE} nologin`);
      const db = postgres(urlFor(DB), { max: 1, onnotice: () => {} });
      await db.unsafe(`create table orders (id int primary key, item text);
      insert into orders values (1, 'book'), (2, 'pen');
      grant select on orders to ${ROLE};`);
      await db.end();

      const serverHome = tempHome('pg-exec-server');
      const policies = join(serverHome, 'policies');
      mkdirSync(policies);
      writeFileSync(
        join(policies, 'test.rego'),
        ['package jitsudo.eligibility', 'allow if input.request.provider == "postgres"', ''].join('\n'),
      );
      writeFileSync(
        join(policies, 'approval.rego'),
        [
          'package jitsudo.approval',
          'approver_tier := "auto" if input.request.provider == "postgres"',
          '',
        ].join('\n'),
      );
      const config = join(serverHome, 'jitsudo.yaml');
      writeFileSync(
        config,
        [
          'mode: dev',
          'auth: { mode: dev }',
          `policy: { dir: "${policies}" }`,
          `providers: { postgres: { url: "${PG_URL}", role_prefix: ${PREFIX}, timeout_ms: 3000, terminate_wait_ms: 5000 } }`,
          // Expiry is taken by the sweeper's timer at the due time; the tick is fast too.
          'sweeper: { interval_ms: 200, reconcile_interval_seconds: 1 }',
        ].join('\n'),
      );
      // jitsudo's own storage on a scratch database of the same server: starts in about a second.
      server = await startJitsudod({ home: serverHome, args: ['--config', config], fastDatabase: true });
      const login = await as('login', '--dev', '--user', 'alice@example.com');
      expect(login.code, login.stderr).toBe(0);
    }, 120_000);

    afterAll(async () => {
      for (const p of open) p.kill('SIGKILL');
      if (server) expect(await server.stop()).toBe(0);
      if (admin) {
        // Anything the test left behind (it should leave nothing: asserted below).
        for (const { rolname } of await admin<
          { rolname: string }[]
        >`select rolname from pg_roles where rolname like ${`${PREFIX}req\\_%`}`) {
          await admin`select pg_terminate_backend(pid) from pg_stat_activity where usename = ${rolname}`;
          await admin.unsafe(`drop role if exists ${rolname}`).catch(() => {});
        }
        await admin.unsafe(`drop database if exists ${DB} with (force)`);
        await admin.end();
      }
    });

    const request = async (duration: string) => {
      const r = await as(
        'request',
        '--provider',
        'postgres',
        '--role',
        ROLE,
        '--scope',
        DB,
        '--duration',
        duration,
        '--reason',
        'e2e psql',
        '--wait',
        '--timeout',
        '30s',
        '-o',
        'json',
      );
      expect(r.stderr).toBe('');
      const req = JSON.parse(r.stdout) as { id: string; state: string; expires_at: string };
      expect(req.state).toBe('ACTIVE');
      return req;
    };

    /** The grant's PG* variables, read by a child of `jitsudo exec` (the only place they exist). */
    const grantEnv = async (id: string): Promise<PgEnv> => {
      const r = await as('exec', id, '--', process.execPath, '-e', GRANT_ENV_SCRIPT);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as PgEnv;
    };
    const roleExists = async (name: string) =>
      (await admin`select 1 from pg_roles where rolname = ${name}`).length > 0;

    /**
     * Requests a grant of `seconds` and checks it while it lasts. On a loaded machine the CLI calls
     * can outlast a short grant: then it answers undefined and the caller asks for a longer one,
     * rather than racing the expiry.
     */
    const checkDuring = async (seconds: number) => {
      const req = await request(`${seconds}s`);
      const tempRole = `${PREFIX}${req.id.toLowerCase()}`;
      const during = await as(
        'exec',
        req.id,
        '--',
        'psql',
        '-X',
        '-At',
        '-c',
        'select current_user, count(*) from orders',
      );
      const raced = () => Date.now() >= Date.parse(req.expires_at) - 500;
      if (during.code !== 0 && raced()) return undefined;
      expect(during.stderr).toBe('');
      expect(during.code).toBe(0);
      expect(during.stdout.trim()).toBe(`${tempRole}|2`);
      const execEnv = await as('exec', req.id, '--', process.execPath, '-e', GRANT_ENV_SCRIPT);
      if (execEnv.code !== 0 && raced()) return undefined;
      expect(execEnv.code, execEnv.stderr).toBe(0);
      const env = JSON.parse(execEnv.stdout) as PgEnv;
      expect(env.PGUSER).toBe(tempRole);
      expect(env.PGPASSWORD.length).toBeGreaterThan(20);
      const existed = await roleExists(tempRole);
      if (!existed && raced()) return undefined;
      expect(existed).toBe(true);
      return { req, tempRole, env };
    };

    it('exec -- psql works during the grant; after expiry both exec and the issued login fail, the role is gone', {
      timeout: 300_000,
    }, async () => {
      let granted: Awaited<ReturnType<typeof checkDuring>>;
      for (const seconds of [GRANT_SECONDS, GRANT_SECONDS * 4, GRANT_SECONDS * 10]) {
        granted = await checkDuring(seconds);
        if (granted) break;
      }
      if (!granted) throw new Error('every grant expired before the CLI could use it, even at 120 s');
      const { req, tempRole, env } = granted;

      // Wait for the sweeper: the request leaves ACTIVE once the provider has dropped the role.
      const deadline = Date.parse(req.expires_at) + 20_000;
      let state = 'ACTIVE';
      while (state === 'ACTIVE' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        state = (JSON.parse((await as('status', req.id, '-o', 'json')).stdout) as { state: string }).state;
      }
      expect(state).toBe('EXPIRED');
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(req.expires_at));

      const after = await as('exec', req.id, '--', 'psql', '-X', '-At', '-c', 'select current_user');
      expect(after.code).not.toBe(0);
      expect(after.stdout).toBe('');
      expect(after.stderr).toMatch(/^error: .*(EXPIRED|expired|not ACTIVE)/);
      expect(after.stderr).not.toContain(env.PGPASSWORD);

      const direct = await psql(env, 'select current_user');
      expect(direct.code).not.toBe(0);
      expect(direct.stderr).toMatch(/role "[^"]+" does not exist|password authentication failed/);
      expect(await roleExists(tempRole)).toBe(false);
    });

    it('jitsudo revoke cuts psql off at once: the open session ends, exec and the issued login fail', {
      timeout: 60_000,
    }, async () => {
      const req = await request('10m');
      const env = await grantEnv(req.id);
      // A session the user already has open: revoke must terminate it, not only block new logins.
      const session = spawn('psql', ['-X', '-At', '-c', 'select pg_sleep(60)'], {
        env: cleanEnv({ ...env }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      open.push(session);
      let sessionErr = '';
      session.stderr.on('data', (d) => {
        sessionErr += d;
      });
      const sessionEnded = new Promise<number | null>((r) => session.once('close', r));
      const deadline = Date.now() + 10_000;
      while (
        Date.now() < deadline &&
        (await admin`select 1 from pg_stat_activity where usename = ${env.PGUSER}`).length === 0
      )
        await new Promise((r) => setTimeout(r, 100));
      expect((await psql(env, 'select 1')).stdout.trim()).toBe('1');

      const revoked = await as('revoke', req.id, '--reason', 'done early', '-o', 'json');
      expect(revoked.code, revoked.stderr).toBe(0);
      expect((JSON.parse(revoked.stdout) as { state: string }).state).toBe('REVOKED');

      expect(await sessionEnded).not.toBe(0);
      expect(sessionErr).toMatch(/terminat/i);
      const after = await as('exec', req.id, '--', 'psql', '-X', '-At', '-c', 'select 1');
      expect(after.code).not.toBe(0);
      expect(after.stderr).toMatch(/^error: .*(REVOKED|revoked|not ACTIVE)/);
      expect((await psql(env, 'select 1')).code).not.toBe(0);
      expect(await roleExists(env.PGUSER)).toBe(false);
    });
  },
);
