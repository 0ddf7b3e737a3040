/**
 * SQL for the audit log. The chain's serialization point is `lockAuditChain` (a transaction-scoped
 * advisory lock); everything that reads the head to append must hold it.
 */
import { and, desc, eq, gte, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { AuditCheckpoint } from '../audit/checkpoint-sign.js';
import { type AuditRecord, auditCopyLine, copyField } from '../audit/hash.js';
import { type Executor, sqlRows, type Transaction } from './client.js';
import { pgliteCopyOut, supportsRawCopy } from './pglite-copy.js';
import { rawRows } from './raw.js';
import { auditCheckpoints, auditEvents, requests } from './schema/index.js';

/** Arbitrary constant shared by every process appending to the chain. */
export const AUDIT_LOCK_KEY = 7_244_315_001;

/** Serializes appenders until the caller's transaction ends. */
export async function lockAuditChain(tx: Transaction): Promise<void> {
  await rawRows(tx, 'select pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
}

/** The newest row's id and hash, or null for an empty log. Call with the chain lock held. */
export async function readAuditHead(tx: Executor): Promise<{ id: number; hash: string } | null> {
  const [row] = await tx
    .select({ id: auditEvents.id, hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.id))
    .limit(1);
  return row ?? null;
}

const COLUMN_LIST = `id::text as id, to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ts,
  actor, actor_kind, on_behalf_of, action, request_id, provider, resource_scope, outcome, details, prev_hash, hash`;
const RECORD_COLUMNS = sql.raw(COLUMN_LIST);

type RawRecord = Omit<AuditRecord, 'id' | 'details'> & { id: string; details: string };

function toRecord(r: RawRecord): AuditRecord {
  let details: Record<string, unknown>;
  try {
    details = JSON.parse(r.details) as Record<string, unknown>;
  } catch {
    // A tampered, unparsable value is still shown (verify reports the row); never crash a listing.
    details = { _unparsable: r.details };
  }
  return { ...r, id: Number(r.id), details };
}

// Raw columns: COPY prints int8 and, with TimeZone UTC / DateStyle ISO, timestamptz without any
// per-row SQL function (to_char alone was ~40% of PGlite's scan time).
const SCAN_COLUMNS =
  'id, ts, actor, actor_kind, on_behalf_of, action, request_id, provider, resource_scope, outcome, details, prev_hash, hash, mac_key_id, mac';
const SESSION_UTC = "set local timezone to 'UTC'; set local datestyle to 'ISO, YMD'";

async function copyOut(exec: Executor, query: string): Promise<string | undefined> {
  const client = (exec as { $client?: any }).$client;
  if (!client) return undefined; // inside a transaction: use the plain path
  if (typeof client.unsafe === 'function')
    return client.begin(async (tx: any) => {
      await tx.unsafe(SESSION_UTC);
      const stream = await tx.unsafe(`copy (${query}) to stdout`).readable();
      // postgres.js 3.4 pauses the socket when the COPY stream's buffer is full and resumes it only
      // from the stream's _read(), which is never called again once the stream has ended: when
      // CopyDone arrives in the same socket chunk, the connection stays paused and its next query
      // hangs forever (verify hung from ~100 rows). Calling _read() after 'end' resumes it.
      return new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.once('end', () => {
          stream._read?.();
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
        stream.once('error', reject);
      });
    });
  if (typeof client.transaction === 'function' && 'waitReady' in client)
    return client.transaction(async (tx: any) => {
      await tx.exec(SESSION_UTC);
      // Straight off the wire, not through /dev/blob (pglite-copy.ts says why); same lines.
      if (supportsRawCopy(client)) return pgliteCopyOut(client, query);
      const res = await tx.query(`copy (${query}) to '/dev/blob'`);
      return res.blob ? await res.blob.text() : '';
    });
  return undefined;
}

export interface AuditCopyBatch {
  /** COPY text: one `\n`-terminated line per row, fields in schema order, then hash, mac_key_id, mac. */
  text: string;
  rows: number;
  /** Id of the last row (0 when empty). */
  lastId: number;
}

/**
 * Up to `limit` rows with id > `afterId`, ascending, exactly as COPY prints them — the verifier
 * hashes these lines as they are (per-row driver parsing, not hashing, would dominate otherwise).
 */
export async function scanAuditCopy(exec: Executor, afterId: number, limit: number): Promise<AuditCopyBatch> {
  if (!Number.isSafeInteger(afterId) || !Number.isSafeInteger(limit))
    throw new Error('scan bounds must be integers');
  const bounds = `where id > ${afterId} order by audit_events.id limit ${limit}`;
  let text = await copyOut(exec, `select ${SCAN_COLUMNS} from audit_events ${bounds}`);
  if (text === undefined) {
    // Inside a transaction (no raw client): the same lines, built from a plain query.
    const rows = await sqlRows<RawRecord & { mac_key_id: string | null; mac: string | null }>(
      exec,
      sql.raw(`select ${COLUMN_LIST}, mac_key_id, mac from audit_events ${bounds}`),
    );
    text = rows
      .map(
        (r) =>
          `${auditCopyLine({ ...r, id: Number(r.id) })}\t${copyField(r.hash)}\t${copyField(r.mac_key_id)}\t${copyField(r.mac)}\n`,
      )
      .join('');
  }
  if (text === '') return { text, rows: 0, lastId: 0 };
  let rows = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) rows++;
  const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
  return { text, rows, lastId: Number(text.slice(lastStart, text.indexOf('\t', lastStart))) };
}

/** Up to `limit` rows with id > `afterId`, ascending, as records (export). */
export async function scanAuditRecords(
  exec: Executor,
  afterId: number,
  limit: number,
): Promise<AuditRecord[]> {
  const rows = await sqlRows<RawRecord>(
    exec,
    sql`select ${RECORD_COLUMNS} from audit_events where id > ${afterId} order by audit_events.id limit ${limit}`,
  );
  return rows.map(toRecord);
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  requestId?: string;
  provider?: string;
  since?: Date;
  until?: Date;
  /** Only rows with id below this (the cursor). */
  beforeId?: number;
  /** Restrict to rows this identity may see: its own actions and events on its requests. */
  visibleTo?: string;
  limit: number;
}

/** Filtered rows, newest first. */
export async function queryAuditRecords(exec: Executor, f: AuditFilter): Promise<AuditRecord[]> {
  const conds: (SQL | undefined)[] = [
    f.actor !== undefined ? eq(auditEvents.actor, f.actor) : undefined,
    f.action !== undefined ? eq(auditEvents.action, f.action) : undefined,
    f.requestId !== undefined ? eq(auditEvents.requestId, f.requestId) : undefined,
    f.provider !== undefined ? eq(auditEvents.provider, f.provider) : undefined,
    f.since !== undefined ? gte(auditEvents.ts, f.since) : undefined,
    f.until !== undefined ? lte(auditEvents.ts, f.until) : undefined,
    f.beforeId !== undefined ? lt(auditEvents.id, f.beforeId) : undefined,
    f.visibleTo !== undefined
      ? or(
          eq(auditEvents.actor, f.visibleTo),
          eq(auditEvents.onBehalfOf, f.visibleTo),
          sql`${auditEvents.requestId} in (select ${requests.id} from ${requests} where ${requests.requesterIdentity} = ${f.visibleTo})`,
        )
      : undefined,
  ];
  const where = and(...conds.filter((c): c is SQL => c !== undefined));
  const rows = await sqlRows<RawRecord>(
    exec,
    sql`select ${RECORD_COLUMNS} from audit_events ${where ? sql`where ${where}` : sql``} order by audit_events.id desc limit ${f.limit}`,
  );
  return rows.map(toRecord);
}

/** A stored checkpoint is the signed statement itself (audit/checkpoint-sign.ts). */
export type CheckpointRow = AuditCheckpoint;

/**
 * Stores a signed checkpoint unless its number is taken (another replica signed it first): then
 * nothing is written and null is returned.
 */
export async function insertCheckpointOnce(
  exec: Executor,
  c: Omit<CheckpointRow, 'id'>,
): Promise<CheckpointRow | null> {
  const [row] = await exec
    .insert(auditCheckpoints)
    .values({
      seq: c.seq,
      prevDigest: c.prev_digest,
      rowCount: c.row_count,
      headId: c.head_id,
      headHash: c.head_hash,
      signedAt: new Date(c.signed_at),
      keyId: c.key_id,
      signature: c.signature,
      publicKey: c.public_key,
    })
    .onConflictDoNothing({ target: auditCheckpoints.seq })
    .returning({ id: auditCheckpoints.id });
  return row ? { id: row.id, ...c } : null;
}

type StoredCheckpoint = typeof auditCheckpoints.$inferSelect;

function toCheckpoint(r: StoredCheckpoint): CheckpointRow {
  return {
    id: r.id,
    seq: r.seq,
    prev_digest: r.prevDigest,
    row_count: r.rowCount,
    head_id: r.headId,
    head_hash: r.headHash,
    signed_at: r.signedAt.toISOString(),
    key_id: r.keyId,
    signature: r.signature,
    public_key: r.publicKey,
  };
}

/** Every checkpoint, oldest first: the unnumbered (v1) ones by id, then the numbered ones by seq. */
export async function listCheckpoints(exec: Executor): Promise<CheckpointRow[]> {
  const rows = await exec
    .select()
    .from(auditCheckpoints)
    .orderBy(sql`${auditCheckpoints.seq} asc nulls first`, auditCheckpoints.id);
  return rows.map(toCheckpoint);
}

/** The newest checkpoint: the numbered one with the highest seq, else the newest unnumbered one. */
export async function latestCheckpoint(exec: Executor): Promise<CheckpointRow | null> {
  const [row] = await exec
    .select()
    .from(auditCheckpoints)
    .orderBy(sql`${auditCheckpoints.seq} desc nulls last`, desc(auditCheckpoints.id))
    .limit(1);
  return row ? toCheckpoint(row) : null;
}
