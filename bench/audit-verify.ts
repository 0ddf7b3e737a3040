/**
 * Audit verification throughput: builds a valid chain of N rows (default 200,000) in a fresh database,
 * then times `verifyAuditChain` (stream in batches, canonical encode, SHA-256, link checks). The floor
 * is plain SHA-256 over the same encoded bytes in the same run, so the ratio shows what the database
 * read and the checks cost on top of hashing. PGlite always; PostgreSQL when TEST_DATABASE_URL or
 * DATABASE_URL is set.  Usage: npm run bench:audit [-- rows]
 */
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createCheckpoint } from '../src/core/audit/checkpoint.js';
import {
  type AuditRecord,
  auditTimestamp,
  canonicalJson,
  encodeAuditFields,
  GENESIS_HASH,
  sha256Hex,
} from '../src/core/audit/hash.js';
import { verifyAuditChain } from '../src/core/audit/verify.js';
import { deriveServerKeys } from '../src/core/crypto/secrets.js';
import { migrate, type OpenedDatabase, openPostgres, wrapPglite } from '../src/core/db/client.js';

const N = Number(process.argv[2] ?? 200_000);
const keys = deriveServerKeys(Buffer.alloc(32, 7));

function buildChain(n: number): { rows: AuditRecord[]; encoded: string[] } {
  const rows: AuditRecord[] = [];
  const encoded: string[] = [];
  let prev = GENESIS_HASH;
  const t0 = Date.now() - n;
  for (let i = 1; i <= n; i++) {
    const base = {
      id: i,
      ts: auditTimestamp(new Date(t0 + i)),
      actor: `user${i % 97}@example.com`,
      actor_kind: 'human',
      on_behalf_of: null,
      action: ['request.created', 'request.approved', 'grant.issued', 'grant.expired'][i % 4]!,
      request_id: `req_01J8KZ4F2EMNQZ3V7XKQY${String(i % 100000).padStart(5, '0')}`,
      provider: 'mock',
      resource_scope: `project-${i % 13}`,
      outcome: 'success',
      details:
        i % 4 === 0 ? {} : { duration_seconds: 3600, break_glass: false, reason_sha256: 'ab'.repeat(8) },
      prev_hash: prev,
    };
    const enc = encodeAuditFields({ ...base, id: String(i), details: canonicalJson(base.details) });
    const hash = sha256Hex(enc);
    rows.push({ ...base, hash });
    encoded.push(enc);
    prev = hash;
  }
  return { rows, encoded };
}

async function load(opened: OpenedDatabase, rows: AuditRecord[]): Promise<void> {
  const BATCH = 2000;
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    // One jsonb parameter per batch keeps the statement small for both drivers.
    await opened.db.execute(sql`insert into audit_events
      (id, ts, actor, actor_kind, on_behalf_of, action, request_id, provider, resource_scope, outcome, details, prev_hash, hash)
      select id, ts, actor, actor_kind, on_behalf_of, action, request_id, provider, resource_scope, outcome, details, prev_hash, hash
      from jsonb_to_recordset(${JSON.stringify(chunk.map((r) => ({ ...r, details: canonicalJson(r.details) })))}::jsonb) as x(id bigint, ts timestamptz, actor text, actor_kind text,
        on_behalf_of text, action text, request_id text, provider text, resource_scope text, outcome text, details text,
        prev_hash text, hash text)`);
  }
}

function floor(encoded: string[]): number {
  const t = performance.now();
  let x = 0;
  for (const e of encoded) x ^= sha256Hex(e).charCodeAt(0);
  if (x === 256) console.log('unreachable');
  return performance.now() - t;
}

async function run(label: string, opened: OpenedDatabase, chain: ReturnType<typeof buildChain>) {
  await migrate(opened.db);
  const tl = performance.now();
  await load(opened, chain.rows);
  const loadMs = performance.now() - tl;
  const deps = { db: opened.db, keys };
  await createCheckpoint(deps);
  await verifyAuditChain(deps); // warm-up (JIT, caches)
  const best = { ms: Number.POSITIVE_INFINITY, ok: false };
  for (let i = 0; i < 3; i++) {
    const r = await verifyAuditChain(deps);
    const t = performance.now();
    void t;
    if (r.elapsed_ms < best.ms) best.ms = Math.max(r.elapsed_ms, 1);
    best.ok = r.ok && r.rows_checked === N;
    if (!best.ok) console.log(JSON.stringify(r));
  }
  const f = Math.min(floor(chain.encoded), floor(chain.encoded));
  const rate = Math.round((N / best.ms) * 1000);
  console.log(
    `${label.padEnd(10)} rows=${N} load=${(loadMs / 1000).toFixed(1)}s verify=${best.ms}ms ` +
      `=> ${rate.toLocaleString('en-US')} rows/s (ok=${best.ok}); floor sha256-only=${f.toFixed(0)}ms ` +
      `(${Math.round((N / f) * 1000).toLocaleString('en-US')} rows/s); ratio verify/floor=${(best.ms / f).toFixed(2)}x; ` +
      `target >= 200,000 rows/s: ${rate >= 200_000 ? 'MET' : 'NOT MET'}`,
  );
}

const chain = buildChain(N);
{
  const opened = await wrapPglite(new PGlite(), undefined);
  try {
    await run('pglite', opened, chain);
  } finally {
    await opened.close();
  }
}
const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (url) {
  const name = `jitsudo_bench_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const opened = openPostgres(u.toString(), 4);
  try {
    await run('postgres', opened, chain);
  } finally {
    await opened.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
} else {
  console.log('postgres   skipped (set TEST_DATABASE_URL or DATABASE_URL)');
}
