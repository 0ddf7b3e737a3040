/**
 * Auto-approved requests end to end over HTTP: POST /api/v1alpha1/requests → authentication →
 * validation → eligibility and routing policy (the default Rego policies plus one rule routing the
 * group `bench` to `auto`) → grant on the mock provider → ACTIVE → audit chain. jitsudod runs as a
 * child process (`jitsudod serve --dev`); this process is the client (node:http keep-alive, C
 * requests in flight, for each C given). Prints req/s, latency p50/p99 and the CPU one request costs
 * the server, this client and (PostgreSQL) the database backends; then a floor measured in the same
 * run: the same SQL writes a request causes (insert request, insert approval, 2 audit rows; update
 * request, 1 audit row — in two transactions) issued directly with the driver at the same concurrency.
 * PGlite always; PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set.
 * Goals (PostgreSQL): ≥ 500 req/s, p99 ≤ 25 ms, ≤ 3× the floor. By Little's law latency is in-flight
 * ÷ throughput (32 in flight at 500 req/s is 64 ms on average), so the p99 goal is read at the lower
 * concurrency and the throughput goal at the higher.
 * On PostgreSQL it then runs two jitsudod replicas on one database at the highest level, and the
 * production settings: bearer tokens from an OIDC issuer (the in-process oidc-provider, JWKS over
 * HTTP), a TLS listener (a private CA's server certificate, as `jitsudod init --tls` makes) and
 * PostgreSQL — once with TLS and once on plain loopback HTTP, so TLS's own cost is the ratio of the two.
 * Usage: npx tsx bench/requests.ts [requests per level] [concurrency levels, e.g. 8,32] [--production | --replicas=1,2,3]
 * (`--production`: PostgreSQL only, dev mode beside the production runs; no PGlite, no replicas.
 * `--replicas=1,2,3`: PostgreSQL only, N jitsudod processes on one database at each concurrency
 * level, for each N given; nothing else.)
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { newId } from '../src/core/ids.js';
import { type OidcIdp, startOidcIdp } from '../test/helpers/oidc-idp.js';
import { serverTlsFiles } from '../test/helpers/tls-files.js';
import { processCpuMs, processesCpuMs, selfCpuMs } from './support/cpu.js';
import { percentile, pgliteDb, pgServerUrl } from './support/databases.js';
import { BenchClient } from './support/http-client.js';

const ONLY_PRODUCTION = process.argv.includes('--production');
/** `--replicas=1,2,3`: PostgreSQL only, just the replica runs at those counts (docs/scaling.md). */
const REPLICAS = process.argv
  .find((a) => a.startsWith('--replicas='))
  ?.slice('--replicas='.length)
  .split(',')
  .map(Number);
const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const N = Number(positional[0] ?? 3000);
const LEVELS = (positional[1] ?? '8,32').split(',').map(Number);
if (!(N > 0) || LEVELS.some((c) => !(c > 0)) || REPLICAS?.some((r) => !(r > 0 && r <= 16))) {
  console.error(
    'usage: npx tsx bench/requests.ts [requests per level] [concurrency levels, e.g. 8,32] [--production | --replicas=1,2,3]',
  );
  process.exit(2);
}
const ROOT = new URL('..', import.meta.url).pathname;

const BENCH_RULE = `# Benchmark only: requests by group "bench" need no approver.
package jitsudo.approval

route contains "auto" if "bench" in input.user.groups
`;

function policiesDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jitsudo-bench-policies-'));
  cpSync(join(ROOT, 'policies'), dir, { recursive: true });
  writeFileSync(join(dir, 'approval', 'bench.rego'), BENCH_RULE);
  return dir;
}

/**
 * One master key for every server of the run: the replicas join the database the single server
 * wrote, and a deployment's replicas share `encryption.key` (audit MACs and checkpoints verify on any).
 */
const MASTER_KEY = randomBytes(32).toString('hex');

/**
 * Production settings for a server: OIDC bearer tokens from `idp`, and TLS unless `tls` is absent.
 * `mode` stays dev only because production mode rightly refuses the mock provider: the mode is read
 * at start-up (its refusals) and for the dev-token route, which auth.mode oidc removes anyway, so a
 * request takes the same path as on a production server (checked: the dev-token route mints nothing).
 */
interface ProductionSettings {
  idp: OidcIdp;
  tls?: { certFile: string; keyFile: string; ca: string };
}

interface Started {
  url: string;
  child: ChildProcess;
  /** A bearer token for this identity: a dev token the server mints, or the IdP's access token. */
  token(client: BenchClient, email: string, groups: string[]): Promise<string>;
  newClient(sockets: number): BenchClient;
}

async function startServer(databaseUrl?: string, production?: ProductionSettings): Promise<Started> {
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-bench-home-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    JITSUDO_HOME: home,
    JITSUDOD_POLICY_DIR: policiesDir(),
    JITSUDOD_LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.JITSUDOD_DATABASE_URL;
  if (databaseUrl) env.JITSUDOD_DATABASE_URL = databaseUrl;
  env.JITSUDOD_ENCRYPTION_KEY = MASTER_KEY;
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the server (for profiling, not for figures).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  let serveArgs = ['--dev'];
  if (production) {
    const configFile = join(home, 'jitsudod.yaml');
    const tls = production.tls
      ? { tls: { cert_file: production.tls.certFile, key_file: production.tls.keyFile } }
      : {};
    const config = {
      mode: 'dev', // see ProductionSettings
      providers: { mock: {} },
      auth: { mode: 'oidc', oidc: { issuer: production.idp.issuer, audience: production.idp.audience } },
      ...tls,
    };
    writeFileSync(configFile, JSON.stringify(config)); // JSON is YAML
    serveArgs = ['--config', configFile];
  }
  const child = spawn(
    process.execPath,
    [...prof, join(ROOT, 'bin/jitsudod.js'), 'serve', ...serveArgs, '--addr', '127.0.0.1:0'],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /listening on (https?:\/\/[\d.:]+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`jitsudod exited with ${code}:\n${out}`)));
    // Generous: on a loaded 2-core machine loading the server's TypeScript alone takes a while.
    setTimeout(() => {
      child.kill('SIGKILL'); // not left running behind a failed benchmark
      reject(new Error(`jitsudod did not start within 180 s:\n${out}`));
    }, 180_000).unref();
  });
  // A server that dies under load says why (the client only sees a refused connection).
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM')
      console.error(
        `jitsudod exited (code ${code}, signal ${signal}); its last output:\n${out.slice(-3000)}`,
      );
  });
  const ca = production?.tls?.ca;
  const newClient = (sockets: number) => new BenchClient(url, sockets, { ca });
  if (!production) return { url, child, token: devToken, newClient };
  const idp = production.idp;
  const probe = newClient(1);
  const devRoute = await probe.request('POST', DEV_TOKEN_PATH, JSON.stringify({ email: 'x@example.com' }));
  probe.close();
  if (devRoute.status === 200) {
    await stop(child);
    throw new Error(`the dev-token route answered ${devRoute.status} on an OIDC server`);
  }
  return { url, child, token: (_c, email, groups) => idp.mintUserToken(email, groups), newClient };
}

const DEV_TOKEN_PATH = '/api/v1alpha1/auth/dev-token';

async function devToken(client: BenchClient, email: string, groups: string[]): Promise<string> {
  const r = await client.request('POST', DEV_TOKEN_PATH, JSON.stringify({ email, groups }));
  if (r.status !== 200) throw new Error(`dev-token: ${r.status} ${r.body}`);
  return (JSON.parse(r.body) as { token: string }).token;
}

interface LoadResult {
  rps: number;
  lat: number[];
  /** CPU ms per request: server process, this client, database backends (PostgreSQL). */
  cpu: { server: number; client: number; db: number };
}

/** A server to send requests to: its client and a bearer token it minted. */
interface Target {
  client: BenchClient;
  bearer: string;
  pid: number;
}

/** `n` creations, `c` in flight, spread over `targets` (replicas of one database) by worker. */
async function load(
  targets: readonly Target[],
  n: number,
  c: number,
  dbProcess?: string,
): Promise<LoadResult> {
  const body = JSON.stringify({
    provider: 'mock',
    role: 'ReadOnly',
    resource_scope: 'bench',
    duration: '1h',
    reason: 'bench',
  });
  const serverCpu = () => targets.reduce((sum, t) => sum + processCpuMs(t.pid), 0);
  const lat: number[] = [];
  let next = 0;
  const cpu0 = {
    server: serverCpu(),
    client: selfCpuMs(),
    db: dbProcess ? processesCpuMs(dbProcess) : 0,
  };
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: c }, async (_, worker) => {
      const { client, bearer } = targets[worker % targets.length]!;
      const headers = { authorization: `Bearer ${bearer}` };
      while (next < n) {
        next++;
        const s = performance.now();
        const r = await client.request('POST', '/api/v1alpha1/requests', body, headers);
        if (
          r.status !== 201 ||
          (JSON.parse(r.body) as { request?: { state: string } }).request?.state !== 'ACTIVE'
        )
          throw new Error(`unexpected answer ${r.status}: ${r.body.slice(0, 300)}`);
        lat.push(performance.now() - s);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  return {
    rps: (n / elapsed) * 1000,
    lat,
    cpu: {
      server: (serverCpu() - cpu0.server) / n,
      client: (selfCpuMs() - cpu0.client) / n,
      db: dbProcess ? (processesCpuMs(dbProcess) - cpu0.db) / n : Number.NaN,
    },
  };
}

async function verifyAudit(server: Started, client: BenchClient): Promise<string> {
  const admin = await server.token(client, 'bench-admin@example.com', ['jitsudo-admins']);
  const r = await client.request('POST', '/api/v1alpha1/audit:verify', undefined, {
    authorization: `Bearer ${admin}`,
  });
  const j = JSON.parse(r.body) as { ok?: boolean; rows_checked?: number; error?: { message: string } };
  return r.status === 200
    ? `audit chain ${j.ok ? 'verifies' : 'BROKEN'} (${j.rows_checked} rows)`
    : `audit verify: ${r.status} ${j.error?.message}`;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    console.log('warning: jitsudod did not exit within 30 s of SIGTERM; killing it');
    child.kill('SIGKILL');
  }, 30_000);
  await done;
  clearTimeout(timer);
}

/**
 * `count` jitsudod processes on one PostgreSQL database (how platform teams run it), the client's
 * workers split between them: all append to the one audit chain. On a 2-core machine the servers
 * also compete for the same cores with the database and this client, so this is a floor for what
 * replicas achieve. Prints one line per concurrency level, with the audit chain lock's share.
 */
async function replicas(databaseUrl: string, count: number, levels: readonly number[]): Promise<void> {
  const c = Math.max(...levels);
  const started = await Promise.all(Array.from({ length: count }, () => startServer(databaseUrl)));
  const targets: Target[] = [];
  try {
    for (const s of started) {
      const client = s.newClient(c);
      targets.push({
        client,
        bearer: await s.token(client, 'bench@example.com', ['bench']),
        pid: s.child.pid!,
      });
    }
    await load(targets, Math.min(500, N), c);
    for (const level of levels) {
      const watch = await watchChainLock(databaseUrl);
      const r = await load(targets, N, level, 'postgres');
      const lock = await watch.stop();
      const elapsedMs = (N / r.rps) * 1000;
      const hold = (lock.heldShare * elapsedMs) / Math.max(1, lock.batches);
      console.log(
        `postgres ×${count} replicas C=${level} ${Math.round(r.rps)} req/s, p50 ${percentile(r.lat, 50).toFixed(1)} ms, ` +
          `p99 ${percentile(r.lat, 99).toFixed(1)} ms; CPU per request: servers ${ms(r.cpu.server)} ms, database ${ms(r.cpu.db)} ms; ` +
          `chain lock held ${(lock.heldShare * 100).toFixed(0)} % of ${lock.samples} samples, ${lock.waiters.toFixed(2)} waiting on average, ` +
          `${lock.batches} appends of ${(lock.rows / Math.max(1, lock.batches)).toFixed(1)} rows, ~${hold.toFixed(2)} ms held per append; ` +
          `load ${loadAverage()}`,
      );
    }
    console.log(`postgres ×${count} replicas ${await verifyAudit(started[0]!, targets[0]!.client)}`);
  } finally {
    for (const t of targets) t.client.close();
    await Promise.all(started.map((s) => stop(s.child)));
  }
}

/** The audit chain's advisory lock (AUDIT_LOCK_KEY = 7_244_315_001) as pg_locks shows a bigint key. */
const CHAIN_LOCK = `locktype = 'advisory' and classid = ${Math.floor(7_244_315_001 / 2 ** 32)} and objid = ${7_244_315_001 % 2 ** 32} and objsubid = 1`;

/**
 * Samples pg_locks every few ms while a load runs: the share of samples in which a transaction holds
 * the audit chain lock (its utilisation: at 100 % the chain is the bottleneck whatever else scales)
 * and how many wait for it; afterwards, from the rows appended meanwhile, how many appends (distinct
 * inserting transactions, xmin) carried them. Held share × elapsed ÷ appends ≈ hold time per append.
 */
async function watchChainLock(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const [top] = await sql<{ head: string }[]>`select coalesce(max(id), 0)::text as head from audit_events`;
  const head = top!.head;
  let samples = 0;
  let held = 0;
  let waiting = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const [r] = await sql.unsafe<{ g: number; w: number }[]>(
        `select count(*) filter (where granted)::int as g, count(*) filter (where not granted)::int as w from pg_locks where ${CHAIN_LOCK}`,
      );
      samples++;
      if (r!.g > 0) held++;
      waiting += r!.w;
      await new Promise((res) => setTimeout(res, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const [b] = await sql<{ batches: number; rows: number }[]>`
        select count(distinct xmin::text)::int as batches, count(*)::int as rows from audit_events where id > ${head}::bigint`;
      await sql.end();
      return {
        samples,
        heldShare: held / Math.max(1, samples),
        waiters: waiting / Math.max(1, samples),
        ...b!,
      };
    },
  };
}

/**
 * What one auto-approved request leaves on disk (tables with their indexes and TOAST, after VACUUM
 * so dead versions of updated rows do not count): for sizing a database over a year (docs/scaling.md).
 */
async function storagePerRequest(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe('vacuum (analyze) requests, approvals, audit_events, outbox_events');
    const [n] = await sql<{ n: number }[]>`select count(*)::int as n from requests`;
    const parts: string[] = [];
    let total = 0;
    for (const t of ['requests', 'approvals', 'audit_events', 'outbox_events']) {
      const [r] = await sql.unsafe<{ bytes: string; rows: number }[]>(
        `select pg_total_relation_size('${t}')::text as bytes, (select count(*)::int from ${t}) as rows`,
      );
      const per = Number(r!.bytes) / Math.max(1, n!.n);
      total += per;
      parts.push(`${t} ${Math.round(per)} B (${(r!.rows / Math.max(1, n!.n)).toFixed(2)} rows)`);
    }
    console.log(`storage per request (${n!.n} requests): ${parts.join(', ')}; total ${Math.round(total)} B`);
  } finally {
    await sql.end();
  }
}

const FLOOR_DDL = [
  'create table floor_requests (like requests including all)',
  'create table floor_approvals (like approvals including all)',
  'create table floor_audit (like audit_events including all)',
];
const INS_REQ = `insert into floor_requests (id, state, requester_identity, provider, role, resource_scope, duration_seconds, reason,
  approver_tier, approved_at, grant_attempts, next_attempt_at) values ($1, 'APPROVED', 'bench@example.com', 'mock', 'ReadOnly',
  'bench', 3600, 'bench', 'auto', now(), 1, now() + interval '2 minutes')`;
const INS_APR = `insert into floor_approvals (id, request_id, actor_identity, actor_kind, decision, comment) values ($1, $2, 'policy', 'policy', 'approve', 'auto-approved by policy')`;
const INS_AUD = `insert into floor_audit (id, ts, actor, actor_kind, action, request_id, provider, resource_scope, outcome, details, prev_hash, hash)
  values ($1, now(), 'bench@example.com', 'human', $2, $3, 'mock', 'bench', 'success', '{"role":"ReadOnly"}'::jsonb, $4, $4)`;
const UPD_REQ = `update floor_requests set state = 'ACTIVE', granted_at = now(), expires_at = now() + interval '1 hour',
  grant_handle = '{"revoke_token":"x"}'::jsonb, credentials_enc = $2, version = version + 1, updated_at = now() where id = $1`;

/** The floor: the same writes per request, two transactions, same concurrency, straight through the driver. */
async function floor(
  exec: (stmts: [string, unknown[]][]) => Promise<void>,
  n: number,
  c: number,
): Promise<number> {
  let next = 0;
  let auditId = 0;
  const h = 'a'.repeat(64);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n) {
        next++;
        const id = newId('req');
        await exec([
          [INS_REQ, [id]],
          [INS_APR, [newId('apr'), id]],
          [INS_AUD, [++auditId, 'request.created', id, h]],
          [INS_AUD, [++auditId, 'request.auto_approved', id, h]],
        ]);
        await exec([
          [UPD_REQ, [id, 'v1.ciphertext']],
          [INS_AUD, [++auditId, 'grant.issued', id, h]],
        ]);
      }
    }),
  );
  return (n / (performance.now() - t0)) * 1000;
}

const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const ms = (v: number) => (Number.isNaN(v) ? 'n/a' : v.toFixed(2));

async function run(
  label: string,
  databaseUrl: string | undefined,
  floorRps: (c: number) => Promise<number>,
  production?: ProductionSettings,
): Promise<{ c: number; r: LoadResult }[]> {
  const server = await startServer(databaseUrl, production);
  const { child } = server;
  const client = server.newClient(Math.max(...LEVELS));
  const lines: string[] = [];
  const results: { c: number; r: LoadResult }[] = [];
  try {
    const bearer = await server.token(client, 'bench@example.com', ['bench']);
    const target = { client, bearer, pid: child.pid! };
    await load([target], Math.min(500, N), Math.max(...LEVELS)); // warm-up: JIT, pools, prepared statements
    for (const c of LEVELS)
      results.push({ c, r: await load([target], N, c, databaseUrl ? 'postgres' : undefined) });
    const audit = await verifyAudit(server, client);
    client.close();
    await stop(child);
    for (const { c, r } of results) {
      const f = await floorRps(c);
      lines.push(
        `${label.padEnd(LABEL)} C=${String(c).padEnd(3)} ${Math.round(r.rps)} req/s, p50 ${percentile(r.lat, 50).toFixed(1)} ms, ` +
          `p99 ${percentile(r.lat, 99).toFixed(1)} ms; CPU per request: server ${ms(r.cpu.server)} ms, client ${ms(r.cpu.client)} ms, ` +
          `database ${ms(r.cpu.db)} ms; floor ${Math.round(f)} req/s; ratio ${(f / r.rps).toFixed(2)}×`,
      );
    }
    console.log(lines.join('\n'));
    console.log(`${label.padEnd(LABEL)} ${audit}`);
  } finally {
    client.close();
    await stop(child);
  }
  return results;
}

const LABEL = 15;

/** The production settings on `databaseUrl`, with TLS and then without; prints TLS's own cost. */
async function production(databaseUrl: string, floorRps: (c: number) => Promise<number>): Promise<void> {
  const idp = await startOidcIdp();
  const files = await serverTlsFiles('bench');
  try {
    const tls = { certFile: files.certFile, keyFile: files.keyFile, ca: files.ca.cert };
    const on = await run('prod TLS', databaseUrl, floorRps, { idp, tls });
    const off = await run('prod plain', databaseUrl, floorRps, { idp });
    for (const { c, r } of on) {
      const o = off.find((x) => x.c === c)!.r;
      console.log(
        `${'TLS on/off'.padEnd(LABEL)} C=${String(c).padEnd(3)} throughput ${(r.rps / o.rps).toFixed(2)}×, ` +
          `p50 ${(percentile(r.lat, 50) / percentile(o.lat, 50)).toFixed(2)}×, p99 ${(percentile(r.lat, 99) / percentile(o.lat, 99)).toFixed(2)}×, ` +
          `server CPU per request ${(r.cpu.server / o.cpu.server).toFixed(2)}×, client CPU ${(r.cpu.client / o.cpu.client).toFixed(2)}×`,
      );
    }
  } finally {
    await idp.stop();
    rmSync(files.dir, { recursive: true, force: true });
  }
}

console.log(
  `requests benchmark: auto-approved create over HTTP, ${N} requests at each concurrency (${LEVELS.join(', ')}); load ${loadAverage()}`,
);
if (!ONLY_PRODUCTION && !REPLICAS)
  await run('pglite', undefined, async (c) => {
    const b = await pgliteDb({ onDisk: true }); // like the server's data dir; migrated, so the floor tables copy the real ones
    const pg = b.pglite!;
    for (const d of FLOOR_DDL) await pg.exec(d);
    const rps = await floor(
      (stmts) =>
        pg.transaction(async (tx) => {
          for (const [q, p] of stmts) await tx.query(q, p);
        }),
      N,
      c,
    );
    await b.dispose();
    return rps;
  });

const server = pgServerUrl();
if (server) {
  const name = `jitsudo_bench_${Date.now().toString(36)}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(server);
  u.pathname = `/${name}`;
  const pgFloor = async (c: number) => {
    const sql = postgres(u.toString(), { max: 10, onnotice: () => {} });
    for (const d of FLOOR_DDL) await sql.unsafe(`drop table if exists ${d.split(' ')[2]}`);
    for (const d of FLOOR_DDL) await sql.unsafe(d);
    const rps = await floor(
      (stmts) =>
        sql.begin(async (tx) => {
          for (const [q, p] of stmts) await tx.unsafe(q, p as never[]);
        }) as Promise<void>,
      N,
      c,
    );
    await sql.end();
    return rps;
  };
  try {
    if (REPLICAS) {
      // Migrate once (a single server start), then each count on the same database, then the floor.
      await stop((await startServer(u.toString())).child);
      for (const count of REPLICAS) await replicas(u.toString(), count, LEVELS);
      await storagePerRequest(u.toString());
      for (const c of LEVELS)
        console.log(
          `postgres floor C=${c} ${Math.round(await pgFloor(c))} req/s (the same SQL, driver direct)`,
        );
    } else {
      await run('postgres', u.toString(), pgFloor); // dev mode: the figures the production ones sit beside
      if (!ONLY_PRODUCTION) await replicas(u.toString(), 2, [Math.max(...LEVELS)]);
      await production(u.toString(), pgFloor);
    }
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
} else console.log('postgres and production runs skipped (set TEST_DATABASE_URL or DATABASE_URL)');
