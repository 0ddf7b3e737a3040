/**
 * The one INSERT of chained audit rows: any number of rows in one statement of fixed text (columns
 * as arrays through `unnest`), so the statement is prepared once per connection whatever the batch
 * size. With `expectHead` the insert is conditional: it writes nothing unless the newest stored row
 * is exactly that head — how an appender that guessed the head checks its guess under the chain
 * lock without a round trip of its own (audit/append-many.ts).
 */
import type { AuditRecord } from '../audit/hash.js';
import type { Transaction } from './client.js';
import { rawRows } from './raw.js';

/**
 * A chained row as written (its `ts` is the statement's): `details` is its canonical JSON text,
 * `mac` the server's MAC over `hash` under key `mac_key_id` (audit/row-mac.ts).
 */
export type StoredAuditRow = Omit<AuditRecord, 'ts' | 'details'> & {
  details: string;
  mac_key_id: string;
  mac: string;
};

const COLUMNS = [
  'actor',
  'actor_kind',
  'on_behalf_of',
  'action',
  'request_id',
  'provider',
  'resource_scope',
  'outcome',
  'details',
  'prev_hash',
  'hash',
  'mac_key_id',
  'mac',
] as const;

const INSERT = `insert into audit_events (id, ts, ${COLUMNS.join(', ')})
  select u.id, $1::timestamptz, ${COLUMNS.map((c) => `u.${c}`).join(', ')}
  from unnest($2::int8[], ${COLUMNS.map((_, i) => `$${i + 3}::text[]`).join(', ')}) as u(id, ${COLUMNS.join(', ')})`;
const PLAIN = `with ins as (${INSERT}
  returning 1)
select count(*)::int as n from ins`;
// `head` is read in the statement's own snapshot, taken after the chain lock was granted: the head
// as it stands under the lock, returned so that a wrong guess costs no extra round trip to learn it.
const GUARDED = `with head as (select id, hash from audit_events order by id desc limit 1),
ins as (${INSERT}
  where exists (select 1 from head where head.id = $${COLUMNS.length + 3} and head.hash = $${COLUMNS.length + 4})
  returning 1)
select (select count(*)::int from ins) as n, (select id::text from head) as head_id, (select hash from head) as head_hash`;

/**
 * Inserts `rows` (all stamped `ts`); the chain lock must be held, or requested ahead of this
 * statement in the same transaction. Returns how many rows were written; with `expectHead`, either
 * all of them or — when that is not the head — none, together with the head there actually is
 * (null for an empty log).
 */
export async function insertAuditRows(
  tx: Transaction,
  ts: string,
  rows: readonly StoredAuditRow[],
  expectHead?: { id: number; hash: string },
): Promise<{ written: number; head?: { id: number; hash: string } | null }> {
  if (rows.length === 0) return { written: 0 };
  const params: unknown[] = [ts, rows.map((r) => r.id)];
  for (const c of COLUMNS) params.push(rows.map((r) => r[c]));
  if (!expectHead) {
    const [res] = await rawRows<{ n: number }>(tx, PLAIN, params);
    return { written: Number(res?.n ?? 0) };
  }
  params.push(expectHead.id, expectHead.hash);
  const [res] = await rawRows<{ n: number; head_id: string | null; head_hash: string | null }>(
    tx,
    GUARDED,
    params,
  );
  const head = res?.head_id != null ? { id: Number(res.head_id), hash: res.head_hash! } : null;
  return { written: Number(res?.n ?? 0), head };
}
