/** SIEM cursors (ADR 0049) and the audit rows after one, with their MACs. */
import { sql } from 'drizzle-orm';
import type { AuditRecord } from '../audit/hash.js';
import { type Executor, sqlRows } from './client.js';

/** An audit row as streamed: the wire form plus the row MAC and its key id (ADR 0035). */
export type SiemRecord = AuditRecord & { mac_key_id: string | null; mac: string | null };

export interface SiemCursor {
  sink: string;
  last_id: number;
  failures: number;
  last_error: string | null;
  delivered_at: string | null;
}

/**
 * Takes `sink`'s lease until `until` if no live lease holds it (creating the cursor at 0 on first
 * use); null when another replica holds it.
 */
export async function leaseCursor(
  db: Executor,
  sink: string,
  now: Date,
  until: Date,
): Promise<SiemCursor | null> {
  await db.execute(sql`insert into siem_cursors (sink) values (${sink}) on conflict (sink) do nothing`);
  const [row] = await sqlRows<SiemCursor & { last_id: string | number }>(
    db,
    sql`update siem_cursors set leased_until = ${until.toISOString()}::timestamptz
        where sink = ${sink} and (leased_until is null or leased_until <= ${now.toISOString()}::timestamptz)
        returning sink, last_id, failures, last_error, delivered_at::text as delivered_at`,
  );
  return row ? { ...row, last_id: Number(row.last_id) } : null;
}

/** Moves the cursor from `from` to `to` (only if still at `from`: a stale holder cannot move it back). */
export async function advanceCursor(
  db: Executor,
  sink: string,
  from: number,
  to: number,
  now: Date,
): Promise<boolean> {
  const rows = await sqlRows<{ sink: string }>(
    db,
    sql`update siem_cursors set last_id = ${to}, failures = 0, last_error = null,
          delivered_at = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
        where sink = ${sink} and last_id = ${from} returning sink`,
  );
  return rows.length === 1;
}

/** Records a failed send and lets the lease go at `retryAt` (the backoff). */
export async function failCursor(
  db: Executor,
  sink: string,
  error: string,
  retryAt: Date,
  now: Date,
): Promise<void> {
  await db.execute(
    sql`update siem_cursors set failures = failures + 1, last_error = ${error.slice(0, 200)},
          leased_until = ${retryAt.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
        where sink = ${sink}`,
  );
}

/** Ends `sink`'s lease now (a holder that is done with its batch). */
export async function releaseCursor(db: Executor, sink: string): Promise<void> {
  await db.execute(sql`update siem_cursors set leased_until = null where sink = ${sink}`);
}

export async function listCursors(db: Executor): Promise<SiemCursor[]> {
  const rows = await sqlRows<SiemCursor & { last_id: string | number }>(
    db,
    sql`select sink, last_id, failures, last_error, delivered_at::text as delivered_at from siem_cursors order by sink`,
  );
  return rows.map((r) => ({ ...r, last_id: Number(r.last_id) }));
}

/** The id of the newest audit row (0 when none): how far behind a cursor is. */
export async function auditHeadId(db: Executor): Promise<number> {
  const [r] = await sqlRows<{ id: string | number | null }>(db, sql`select max(id) as id from audit_events`);
  return Number(r?.id ?? 0);
}

/** Up to `limit` audit rows after `afterId`, in id (= chain) order, in wire form with their MACs. */
export async function auditRowsAfter(db: Executor, afterId: number, limit: number): Promise<SiemRecord[]> {
  const rows = await sqlRows<Omit<SiemRecord, 'id' | 'details'> & { id: string; details: string }>(
    db,
    sql`select id::text as id, to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ts,
          actor, actor_kind, on_behalf_of, action, request_id, provider, resource_scope, outcome, details,
          prev_hash, hash, mac_key_id, mac
        from audit_events where audit_events.id > ${afterId}
        -- the table's bigint, not the text alias of the same name (which would sort 1, 10, 11, 2)
        order by audit_events.id limit ${limit}`,
  );
  return rows.map((r) => {
    let details: Record<string, unknown>;
    try {
      details = JSON.parse(r.details) as Record<string, unknown>;
    } catch {
      details = { _unparsable: r.details }; // streamed as is; the receiver's hash check flags it
    }
    return { ...r, id: Number(r.id), details };
  });
}
