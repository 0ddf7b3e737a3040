/**
 * Audit verification throughput: builds a valid chain of N rows (default 200,000) in a fresh database,
 * then times `verifyAuditChain` (stream in batches, SHA-256, link checks, the row MAC of every row —
 * ADR 0035 — and the checkpoint chain), and what the row MAC costs an append. The floor
 * is plain SHA-256 over the same encoded bytes in the same run, so the ratio shows what the database
 * read and the checks cost on top of hashing. PGlite always; PostgreSQL when TEST_DATABASE_URL or
 * DATABASE_URL is set.  Usage: npm run bench:audit [-- rows]
 */
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { createCheckpoint } from '../src/core/audit/checkpoint.js';
import {
  type AuditRecord,
  auditCopyLine,
  auditTimestamp,
  canonicalJson,
  GENESIS_HASH,
  hashCopyLine,
} from '../src/core/audit/hash.js';
import { macPrefix, rowMac } from '../src/core/audit/row-mac.js';
import { verifyAuditChain } from '../src/core/audit/verify.js';
import { deriveServerKeys } from '../src/core/crypto/secrets.js';
import { migrate, type OpenedDatabase, openPostgres, wrapPglite } from '../src/core/db/client.js';

const N = Number(process.argv[2] ?? 200_000);
const keys = deriveServerKeys(Buffer.alloc(32, 7));
const macKey = keys.auditMacKeys[0]!;
const prefix = macPrefix(macKey);
type BenchRow = AuditRecord & { mac_key_id: string; mac: string };

function buildChain(n: number): { rows: BenchRow[]; encoded: string[] } {
  const rows: BenchRow[] = [];
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
    const enc = auditCopyLine({ ...base, details: canonicalJson(base.details) });
    const hash = hashCopyLine(enc);
    rows.push({ ...base, hash, mac_key_id: macKey.id, mac: rowMac(prefix, hash) });
    encoded.push(enc);
    prev = hash;
  }
  return { rows, encoded };
}

const COLS =
  'id, ts, actor, actor_kind, on_behalf_of, action, request_id, provider, resource_scope, outcome, details, prev_hash, hash, mac_key_id, mac';

/** COPY text format for the rows (the fastest bulk load on both drivers). */
function copyText(rows: BenchRow[]): string {
  const esc = (v: string | null) =>
    v === null
      ? '\\N'
      : v.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
  return rows
    .map((r) =>
      [
        String(r.id),
        r.ts,
        r.actor,
        r.actor_kind,
        r.on_behalf_of,
        r.action,
        r.request_id,
        r.provider,
        r.resource_scope,
        r.outcome,
        canonicalJson(r.details),
        r.prev_hash,
        r.hash,
        r.mac_key_id,
        r.mac,
      ]
        .map(esc)
        .join('\t'),
    )
    .join('\n')
    .concat('\n');
}

async function load(opened: OpenedDatabase, rows: BenchRow[]): Promise<void> {
  const client = (opened.db as unknown as { $client: any }).$client;
  for (let i = 0; i < rows.length; i += 50_000) {
    const text = copyText(rows.slice(i, i + 50_000));
    if (opened.driver === 'pglite') {
      await client.query(`copy audit_events (${COLS}) from '/dev/blob'`, [], { blob: new Blob([text]) });
    } else {
      const w = await client.unsafe(`copy audit_events (${COLS}) from stdin`).writable();
      await new Promise<void>((res, rej) => {
        w.on('finish', res);
        w.on('error', rej);
        w.end(text);
      });
    }
  }
}

/** What the appender adds per row for its MAC (ADR 0035), next to the row hash it computes anyway. */
function macCost(chain: ReturnType<typeof buildChain>): { macUs: number; hashUs: number } {
  const hashes = chain.rows.map((r) => r.hash);
  const time = (fn: (i: number) => string) => {
    let best = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      let x = 0;
      for (let i = 0; i < hashes.length; i++) x ^= fn(i).charCodeAt(0);
      if (x === 256) console.log('unreachable');
      best = Math.min(best, performance.now() - t);
    }
    return (best * 1000) / hashes.length;
  };
  return {
    macUs: time((i) => rowMac(prefix, hashes[i]!)),
    hashUs: time((i) => hashCopyLine(chain.encoded[i]!)),
  };
}

function floor(encoded: string[]): number {
  const t = performance.now();
  let x = 0;
  for (const e of encoded) x ^= hashCopyLine(e).charCodeAt(0);
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
  const times: number[] = [];
  let ok = true;
  for (let i = 0; i < 5; i++) {
    const r = await verifyAuditChain(deps);
    times.push(Math.max(r.elapsed_ms, 1));
    ok &&= r.ok && r.rows_checked === N;
  }
  times.sort((a, b) => a - b);
  const best = { ms: times[0]!, median: times[2]!, ok };
  const f = Math.min(floor(chain.encoded), floor(chain.encoded), floor(chain.encoded));
  const rate = Math.round((N / best.ms) * 1000);
  console.log(
    `${label.padEnd(10)} rows=${N} load=${(loadMs / 1000).toFixed(1)}s verify best=${best.ms}ms median=${best.median}ms ` +
      `=> ${rate.toLocaleString('en-US')} rows/s best, ${Math.round((N / best.median) * 1000).toLocaleString('en-US')} median (ok=${best.ok}); floor sha256-only=${f.toFixed(0)}ms ` +
      `(${Math.round((N / f) * 1000).toLocaleString('en-US')} rows/s); ratio verify/floor=${(best.ms / f).toFixed(2)}x; ` +
      `target >= 200,000 rows/s: ${rate >= 200_000 ? 'MET' : 'NOT MET'}`,
  );
}

const chain = buildChain(N);
{
  const c = macCost(chain);
  console.log(
    `append     row MAC ${c.macUs.toFixed(2)} µs/row (the row hash it sits beside: ${c.hashUs.toFixed(2)} µs/row)`,
  );
}
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
