/**
 * HA proof (issue 12): three jitsudod processes on one PostgreSQL database under mixed load —
 * requests auto-approved and pending, approvals, denials, revokes, grants expiring, an agent over
 * MCP — while one replica after another is SIGKILLed and restarted. Afterwards: the one audit
 * chain verifies (the real `jitsudo audit verify`, and the API on every replica); every request's
 * audit trail replays through the transition table to its state; no grant is left at the provider
 * (the postgres provider's login roles on the real server) past its expiry; nothing a client was
 * told was accepted is lost. Short grants are fine here because the checks run after the fact:
 * the sweeper is given bounded time to catch up, polled, never raced.
 * PostgreSQL only: PGlite is one process, so replicas cannot share it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres, { type Sql } from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInvariants, leftoverRoles } from './support/ha-invariants.js';
import { HaLoad } from './support/ha-load.js';
import { jitsudo, scratchDatabase, tempHome } from './support/processes.js';
import { ReplicaPool } from './support/replica-pool.js';

const PG_URL = process.env.TEST_DATABASE_URL;
const REPLICAS = 3;
const LOAD_MS = 45_000;
const KILL_EVERY_MS = 5_000;
const DRAIN_MS = 60_000;

const until = async (what: string, ms: number, done: () => Promise<boolean>) => {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

describe.skipIf(!PG_URL)(
  'HA: three replicas on one PostgreSQL (needs TEST_DATABASE_URL; PGlite is one process)',
  () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c().catch(() => {});
    });

    it('SIGKILL of a replica every few seconds loses nothing accepted, breaks no invariant', {
      timeout: 240_000,
    }, async () => {
      const began = Date.now();
      const tag = Math.random().toString(36).slice(2, 8);
      const prefix = `jtha${tag}_`;
      const role = `jthr${tag}_reader`;
      const store = await scratchDatabase();
      cleanups.push(() => store.drop());
      const target = await scratchDatabase(); // the database the grants are on
      cleanups.push(() => target.drop());
      const admin: Sql = postgres(PG_URL!, { max: 2, onnotice: () => {} });
      cleanups.push(async () => {
        for (const suffix of (await leftoverRoles(admin, prefix)).keys())
          await admin.unsafe(`drop role if exists ${prefix}${suffix}`);
        await admin.unsafe(`drop role if exists ${role}`);
        await admin.end();
      });
      await admin.unsafe(`create role ${role} nologin`);
      const database = new URL(target.url).pathname.slice(1);

      const home = tempHome('ha');
      const policies = join(home, 'policies');
      mkdirSync(policies);
      writeFileSync(
        join(policies, 'eligibility.rego'),
        'package jitsudo.eligibility\n\nallow if input.request.provider == "postgres"\n',
      );
      writeFileSync(
        join(policies, 'approval.rego'),
        [
          'package jitsudo.approval',
          '# "auto …" reasons need no approver; the rest wait for a member of ha-approvers.',
          'approver_tier := "auto" if startswith(input.request.reason, "auto")',
          'default allow := false',
          'allow if {',
          '\t"ha-approvers" in input.user.groups',
          '\tinput.user.email != input.context.requester.email',
          '}',
          '',
        ].join('\n'),
      );
      const configFile = join(home, 'jitsudo.yaml');
      writeFileSync(
        configFile,
        [
          'mode: dev',
          'auth: { mode: dev }',
          `database: { url: "${store.url}" }`,
          `policy: { dir: "${policies}" }`,
          `providers: { postgres: { url: "${PG_URL}", role_prefix: ${prefix}, timeout_ms: 5000, terminate_wait_ms: 2000 } }`,
          // A short lease: work claimed by a killed replica is taken over after 5 s, not 2 min.
          'sweeper: { interval_ms: 200, lease_seconds: 5, provider_timeout_seconds: 5, reconcile_interval_seconds: 2 }',
          // The agent's own caps (30 requests an hour by default) would refuse most of its calls.
          'agents: { limits: { max_open_requests: 50, max_requests_per_hour: 100000, max_active_grants: 50 } }',
        ].join('\n'),
      );

      const pool = new ReplicaPool(configFile, REPLICAS);
      cleanups.push(() => pool.stopAll());
      await pool.startAll();
      const load = new HaLoad(pool, { role, database });
      cleanups.push(() => load.close());

      // Load on every replica, and a kill every KILL_EVERY_MS (rotating), for LOAD_MS.
      const loadStart = Date.now();
      const workers = [0, 1, 2, 3].map((n) => load.human(n)).concat(load.agent());
      let victim = 0;
      let lastKill = Date.now();
      let acceptedAtKill = 0;
      while (Date.now() - loadStart < LOAD_MS) {
        await new Promise((r) => setTimeout(r, 100));
        // Kill only after some accepted work since the last one, so a slow machine still sees load between kills.
        if (Date.now() - lastKill < KILL_EVERY_MS || load.ledger.accepted - acceptedAtKill < 5) continue;
        if (await pool.kill9(victim % REPLICAS)) {
          lastKill = Date.now();
          acceptedAtKill = load.ledger.accepted;
          victim++;
        }
      }
      load.stop();
      await Promise.all(workers);
      const loadSeconds = (Date.now() - loadStart) / 1000;
      await pool.settle();
      expect(pool.startErrors).toEqual([]);
      expect(pool.up()).toHaveLength(REPLICAS);

      // Bounded time for the sweeper to finish what the load left: every grant taken back.
      const db: Sql = postgres(store.url, { max: 2, onnotice: () => {} });
      cleanups.push(() => db.end());
      await until('grants drained (no APPROVED/ACTIVE request, no login role left)', DRAIN_MS, async () => {
        const [open] = await db<{ n: number }[]>`
        select count(*)::int as n from requests where state in ('APPROVED', 'ACTIVE')`;
        return open!.n === 0 && (await leftoverRoles(admin, prefix)).size === 0;
      });

      // One audit chain, verified by the real CLI (admin login on one replica) and by every replica.
      const [first, ...others] = pool.up();
      const cliHome = tempHome('ha-cli');
      const cli = (...args: string[]) => jitsudo(args, { home: cliHome, server: first!.url });
      const login = await cli('login', '--dev', '--user', 'root@example.com', '--groups', 'jitsudo-admins');
      expect(login.code, login.stderr).toBe(0);
      const verified = await cli('audit', 'verify', '-o', 'json');
      expect(verified.code, verified.stderr).toBe(0);
      const report = JSON.parse(verified.stdout) as {
        ok: boolean;
        rows_checked: number;
        first_broken: unknown;
      };
      expect(report.ok).toBe(true);
      expect(report.first_broken).toBeNull();
      for (const l of others) expect((await l.as.root.verifyAudit()).ok).toBe(true);
      expect(await pool.stopAll()).toEqual(Array(REPLICAS).fill(0));

      const l = load.ledger;
      const f = await checkInvariants(db, admin, prefix, l);
      const summary = {
        kills: pool.kills,
        load_seconds: Number(loadSeconds.toFixed(1)),
        total_seconds: Number(((Date.now() - began) / 1000).toFixed(1)),
        accepted_calls: l.accepted,
        unknown_calls: l.unknown,
        refused: Object.fromEntries(l.refused),
        mcp_calls: l.mcpCalls,
        accepted: {
          created: l.created.size,
          by_agent: [...l.created.values()].filter((h) => h === 'agent').length,
          approved: l.approved.size,
          denied: l.denied.size,
          revoked: l.revoked.size,
        },
        requests: f.requests,
        by_state: f.byState,
        audit_rows_checked: report.rows_checked,
        drift_alerts: f.drift,
        violations: { illegal: f.illegal.length, provider: f.providerLeaks.length, lost: f.lost.length },
      };
      console.log(`HA run: ${JSON.stringify(summary)}`);

      expect(l.serverErrors).toEqual([]);
      expect(f.illegal).toEqual([]);
      expect(f.providerLeaks).toEqual([]);
      expect(f.lost).toEqual([]);
      // The run was a real one: kills happened, and every kind of operation was accepted.
      expect(pool.kills).toBeGreaterThanOrEqual(3);
      expect(l.approved.size).toBeGreaterThan(0);
      expect(l.denied.size).toBeGreaterThan(0);
      expect(l.revoked.size).toBeGreaterThan(0);
      expect([...l.created.values()].filter((h) => h === 'agent').length).toBeGreaterThan(0);
      expect(f.byState.EXPIRED ?? 0).toBeGreaterThan(0);
    });
  },
);
