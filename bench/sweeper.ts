/**
 * Sweeper lag and throughput on the mock provider.
 *  1. "minute": N ACTIVE grants (default 10,000) whose expires_at are spread evenly over one minute;
 *     the sweeper runs with its default settings; lag = when the provider's revoke was called minus
 *     expires_at (and when EXPIRED was recorded minus expires_at). Goal: p99 ≤ 2 s.
 *  2. "burst": N grants already expired at once; time to drain them, against a floor: the same SQL
 *     writes (one UPDATE of the request and one audit row per grant, in transactions of 500) issued
 *     directly with the driver in the same run.
 * PGlite always; PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set.
 * Usage: npx tsx bench/sweeper.ts [grants] [provider-latency-ms]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import postgres from 'postgres';
import { parseConfig } from '../src/core/config.js';
import { createCore } from '../src/core/create-core.js';
import { deriveServerKeys, encryptSecret } from '../src/core/crypto/secrets.js';
import { sqlRows } from '../src/core/db/client.js';
import { requests } from '../src/core/db/schema/index.js';
import { newId } from '../src/core/ids.js';
import type { PolicySet } from '../src/core/policy/types.js';
import { MockProvider } from '../src/providers/mock/index.js';
import { Sweeper } from '../src/sweeper/index.js';
import { type BenchDb, percentile, pgliteDb, pgServerUrl, postgresDb } from './support/databases.js';

const N = Number(process.argv[2] ?? 10_000);
const LATENCY_MS = Number(process.argv[3] ?? 0);
const keys = deriveServerKeys(createHash('sha256').update('bench').digest());
const noPolicy: PolicySet = {
  engine: 'rego',
  eligibility: () => ({ allow: false, reason: 'bench', reasons: [], decidedBy: [], defined: false }),
  approval: () => ({
    allow: false,
    reason: 'bench',
    reasons: [],
    decidedBy: [],
    defined: false,
    approverTier: 'human',
  }),
};

async function seed(b: BenchDb, mock: MockProvider, n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  const now = new Date();
  const far = new Date(now.getTime() + 86_400_000);
  for (let i = 0; i < n; i += 500) {
    const rows = Array.from({ length: Math.min(500, n - i) }, () => {
      const id = newId('req');
      ids.push(id);
      return {
        id,
        state: 'ACTIVE' as const,
        requesterIdentity: `${tag}@example.com`,
        provider: 'mock',
        role: 'ReadOnly',
        resourceScope: 'bench',
        durationSeconds: 3600,
        reason: 'bench',
        approverTier: 'auto' as const,
        createdAt: now,
        updatedAt: now,
        approvedAt: now,
        grantedAt: now,
        expiresAt: far,
        grantHandle: { revoke_token: `mock-revoke-token-${id}` },
        credentialsEnc: encryptSecret(keys.encryptionKey, '{"MOCK_ACCESS_KEY":"x"}', id),
      };
    });
    await b.opened.db.insert(requests).values(rows);
  }
  for (const id of ids)
    await mock.grant({
      requestId: id,
      principal: { identity: `${tag}@example.com`, kind: 'human', groups: [] },
      role: 'ReadOnly',
      scope: 'bench',
      durationSeconds: 3600,
      reason: 'bench',
      metadata: {},
    });
  return ids;
}

/** Spreads expires_at of the tagged ACTIVE rows evenly over [base, base + spreadMs). */
async function schedule(b: BenchDb, tag: string, base: Date, spreadMs: number, n: number): Promise<void> {
  await b.opened.db.execute(sql`update requests r set expires_at = ${base.toISOString()}::timestamptz
      + (s.rn * ${spreadMs / n}::float8) * interval '1 millisecond'
    from (select id, row_number() over (order by id) - 1 as rn from requests
          where requester_identity = ${`${tag}@example.com`}) s
    where r.id = s.id`);
}

async function expiredCount(b: BenchDb, tag: string): Promise<number> {
  const [r] = await sqlRows<{ n: string }>(
    b.opened.db,
    sql`select count(*) as n from requests where requester_identity = ${`${tag}@example.com`} and state = 'EXPIRED'`,
  );
  return Number(r!.n);
}

async function waitExpired(b: BenchDb, tag: string, n: number, deadline: number): Promise<number> {
  for (;;) {
    const c = await expiredCount(b, tag);
    if (c >= n || Date.now() > deadline) return c;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;

async function run(b: BenchDb): Promise<void> {
  const mock = new MockProvider({ latencyMs: LATENCY_MS });
  const config = parseConfig({
    home: mkdtempSync(join(tmpdir(), 'jitsudo-bench-')),
    log: { level: 'silent' },
    providers: { mock: {} },
    sweeper: { reconcile_interval_seconds: 0 },
  });
  const core = await createCore({
    config,
    db: b.opened,
    providers: [mock],
    policies: noPolicy,
    keys,
    log: pino({ level: 'silent' }),
  });
  const sweeper = new Sweeper(core.deps);

  // 1. One minute of expiries.
  const ids = await seed(b, mock, N, 'minute');
  const base = new Date(Date.now() + 2000);
  await schedule(b, 'minute', base, 60_000, N);
  const expiry = new Map(
    (
      await sqlRows<{ id: string; ms: string; ended: string | null }>(
        b.opened.db,
        sql`select id, (extract(epoch from expires_at) * 1000)::text as ms, null as ended from requests where requester_identity = 'minute@example.com'`,
      )
    ).map((r) => [r.id, Number(r.ms)]),
  );
  sweeper.start();
  const got = await waitExpired(b, 'minute', N, base.getTime() + 60_000 + 60_000);
  await sweeper.stop();
  const lags = ids
    .map((id) => (mock.revokedAt.get(id) ?? Number.NaN) - expiry.get(id)!)
    .filter(Number.isFinite);
  const recorded = (
    await sqlRows<{ lag: string }>(
      b.opened.db,
      sql`select (extract(epoch from ended_at - expires_at) * 1000)::text as lag from requests
          where requester_identity = 'minute@example.com' and state = 'EXPIRED'`,
    )
  ).map((r) => Number(r.lag));
  console.log(
    `${b.label.padEnd(8)} minute: ${got}/${N} expired; revoke lag p50 ${fmt(percentile(lags, 50))}, p99 ${fmt(percentile(lags, 99))}, max ${fmt(percentile(lags, 100))}; ` +
      `recorded EXPIRED lag p50 ${fmt(percentile(recorded, 50))}, p99 ${fmt(percentile(recorded, 99))}  (goal p99 ≤ 2000 ms${LATENCY_MS ? `; provider latency ${LATENCY_MS} ms` : ''})`,
  );

  // 2. A burst: everything already due.
  await seed(b, mock, N, 'burst');
  await schedule(b, 'burst', new Date(Date.now() - 1000), 0, N);
  // A fresh sweeper: the stopped one halts at once (ADR 0053: stop() lets no further batch start).
  const burst = new Sweeper(core.deps);
  const t0 = performance.now();
  await burst.tick();
  const drained = await expiredCount(b, 'burst');
  const ours = performance.now() - t0;
  await core.close();
  const floor = await floorWrites(b, N);
  console.log(
    `${b.label.padEnd(8)} burst:  ${drained}/${N} drained in ${fmt(ours)} (${Math.round((N / ours) * 1000)} grants/s); ` +
      `floor (same writes, driver direct) ${fmt(floor)} (${Math.round((N / floor) * 1000)}/s); ratio ${(ours / floor).toFixed(2)}×`,
  );
}

/** The floor: per grant one UPDATE of a request row and one audit-shaped INSERT, 500 per transaction. */
async function floorWrites(b: BenchDb, n: number): Promise<number> {
  const mk = `create table if not exists bench_floor_audit (id bigserial primary key, ts timestamptz, actor text, action text,
    request_id text, details jsonb, prev_hash text, hash text)`;
  const ids = (
    await sqlRows<{ id: string }>(
      b.opened.db,
      sql`select id from requests where requester_identity = 'burst@example.com'`,
    )
  ).map((r) => r.id);
  const chunks: string[][] = [];
  for (let i = 0; i < Math.min(n, ids.length); i += 500) chunks.push(ids.slice(i, i + 500));
  const upd = `update requests set state = 'EXPIRED', ended_at = now(), credentials_enc = null, updated_at = now() where id = $1`;
  const ins = `insert into bench_floor_audit (ts, actor, action, request_id, details, prev_hash, hash) values (now(), 'system', 'grant.expired', $1, '{}'::jsonb, $2, $3)`;
  const h = 'f'.repeat(64);
  if (b.pglite) {
    await b.pglite.exec(mk);
    const t0 = performance.now();
    for (const c of chunks)
      await b.pglite.transaction(async (tx) => {
        for (const id of c) {
          await tx.query(upd, [id]);
          await tx.query(ins, [id, h, h]);
        }
      });
    return performance.now() - t0;
  }
  const pg = postgres(b.url!, { max: 4, onnotice: () => {} });
  await pg.unsafe(mk);
  const t0 = performance.now();
  let next = 0;
  // As many transactions in flight as the sweeper runs batches on PostgreSQL.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < chunks.length) {
        const c = chunks[next++]!;
        await pg.begin(async (tx) => {
          for (const id of c) {
            await tx.unsafe(upd, [id]);
            await tx.unsafe(ins, [id, h, h]);
          }
        });
      }
    }),
  );
  const ms = performance.now() - t0;
  await pg.end();
  return ms;
}

console.log(`sweeper benchmark: ${N} grants, mock provider latency ${LATENCY_MS} ms`);
const lite = await pgliteDb();
try {
  await run(lite);
} finally {
  await lite.dispose();
}
const server = pgServerUrl();
if (server) {
  const pg = await postgresDb(server);
  try {
    await run(pg);
  } finally {
    await pg.dispose();
  }
} else console.log('postgres skipped (set TEST_DATABASE_URL or DATABASE_URL)');
