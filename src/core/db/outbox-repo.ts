/**
 * The outbox tables (ADR 0046): the insert the audit append makes in the state change's
 * transaction, the worker's fan-out into per-sink delivery rows, claims under a lease
 * (FOR UPDATE SKIP LOCKED, so replicas share the work), outcomes and the status counts.
 */
import { inArray, sql } from 'drizzle-orm';
import type { OutboxRow } from '../outbox/events.js';
import { type Executor, sqlRows, type Transaction } from './client.js';
import { rawRows } from './raw.js';
import type { RequestRow } from './requests-repo.js';
import { requests } from './schema/index.js';
import { withTx } from './tx.js';

const COLS = 4;
const insertTexts = new Map<number, string>();

/** Writes `rows` with one multi-row INSERT in `tx` (statement text cached per row count). */
export async function insertOutboxRows(tx: Executor, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  let text = insertTexts.get(rows.length);
  if (!text) {
    const values = rows.map(
      (_, i) => `($${i * COLS + 1}, $${i * COLS + 2}, $${i * COLS + 3}, $${i * COLS + 4})`,
    );
    text = `insert into outbox_events (id, type, request_id, payload) values ${values.join(', ')}`;
    if (insertTexts.size < 256) insertTexts.set(rows.length, text);
  }
  await rawRows(
    tx,
    text,
    rows.flatMap((r) => [r.id, r.type, r.requestId, r.payload]),
  );
}

/** A sink as the fan-out sees it: its name and whether it wants an event type. */
export interface FanOutSink {
  name: string;
  wants(type: string): boolean;
}

/**
 * Makes the delivery rows of up to `limit` undispatched events (one per sink that wants it) and
 * marks them dispatched; returns how many events it took. Replicas skip each other's rows.
 */
export function fanOutEvents(
  db: Executor,
  sinks: readonly FanOutSink[],
  limit: number,
  now: Date,
): Promise<number> {
  return withTx(db, async (tx: Transaction) => {
    const events = await sqlRows<{ id: string; type: string }>(
      tx,
      sql`select id, type from outbox_events where dispatched = false order by id limit ${limit} for update skip locked`,
    );
    if (events.length === 0) return 0;
    const pairs = events.flatMap((e) =>
      sinks.filter((s) => s.wants(e.type)).map((s) => [e.id, s.name] as const),
    );
    if (pairs.length > 0)
      await tx.execute(
        // Due by the workers' clock (the one claims compare with), not the database's.
        sql`insert into outbox_deliveries (event_id, sink, next_attempt_at) values ${sql.join(
          pairs.map(([id, sink]) => sql`(${id}, ${sink}, ${now.toISOString()}::timestamptz)`),
          sql`, `,
        )} on conflict do nothing`,
      );
    await tx.execute(
      sql`update outbox_events set dispatched = true where id in ${sql`(${sql.join(
        events.map((e) => sql`${e.id}`),
        sql`, `,
      )})`}`,
    );
    return events.length;
  });
}

/** A delivery claimed by one worker until `next_attempt_at` (its lease). */
export interface ClaimedDelivery {
  id: string;
  type: string;
  request_id: string | null;
  payload: string;
  created_at: string;
  attempts: number;
}

/**
 * Claims up to `limit` due deliveries of `sink` until `leaseUntil`; invariant: no other worker
 * claims them before the lease runs out (then a dead worker's claims come back).
 */
export async function claimDeliveries(
  db: Executor,
  sink: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const rows = await sqlRows<ClaimedDelivery & { created_at: string | Date }>(
    db,
    sql`with due as (
      select event_id from outbox_deliveries
      where sink = ${sink} and state = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
      order by next_attempt_at limit ${limit} for update skip locked
    ), claimed as (
      update outbox_deliveries d set next_attempt_at = ${leaseUntil.toISOString()}::timestamptz, attempts = d.attempts + 1
      from due where d.sink = ${sink} and d.event_id = due.event_id
      returning d.event_id, d.attempts
    )
    select e.id, e.type, e.request_id, e.payload, e.created_at, c.attempts
    from claimed c join outbox_events e on e.id = c.event_id order by e.id`,
  );
  return rows.map((r) => ({
    ...r,
    created_at: new Date(r.created_at).toISOString(),
    attempts: Number(r.attempts),
  }));
}

/** Marks the deliveries of `eventIds` to `sink` delivered, in one statement (delivered always wins). */
export async function recordDelivered(
  db: Executor,
  sink: string,
  eventIds: readonly string[],
  now: Date,
): Promise<void> {
  if (eventIds.length === 0) return;
  await db.execute(
    sql`update outbox_deliveries set state = 'delivered', delivered_at = ${now.toISOString()}::timestamptz
      where sink = ${sink} and state = 'pending' and event_id in (${sql.join(
        eventIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
  );
}

/** Keeps what a sink said about a success (a capped fan-out…), shown by the status; never a secret. */
export async function recordNote(db: Executor, sink: string, eventId: string, note: string): Promise<void> {
  await db.execute(
    sql`update outbox_deliveries set note = ${note.slice(0, 500)} where sink = ${sink} and event_id = ${eventId}`,
  );
}

/** What became of one claimed delivery. */
export type DeliveryOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; at: Date; error: string }
  | { kind: 'dead'; error: string };

/**
 * Records `outcome` for the claim numbered `attempts`. Delivered always wins (a late success from
 * a worker whose lease ran out is still a success); a retry or death only by the latest claim.
 */
export async function recordDelivery(
  db: Executor,
  sink: string,
  eventId: string,
  attempts: number,
  outcome: DeliveryOutcome,
  now: Date,
): Promise<void> {
  const where = sql`event_id = ${eventId} and sink = ${sink} and state = 'pending'`;
  if (outcome.kind === 'delivered')
    await db.execute(
      sql`update outbox_deliveries set state = 'delivered', delivered_at = ${now.toISOString()}::timestamptz where ${where}`,
    );
  else
    await db.execute(
      sql`update outbox_deliveries set state = ${outcome.kind === 'dead' ? 'dead' : 'pending'},
        next_attempt_at = ${(outcome.kind === 'retry' ? outcome.at : now).toISOString()}::timestamptz,
        last_error = ${outcome.error.slice(0, 500)} where ${where} and attempts = ${attempts}`,
    );
}

/** Per sink: deliveries by state, the oldest pending one's creation, the latest error. */
export interface SinkDeliveryStats {
  sink: string;
  pending: number;
  delivered: number;
  dead: number;
  oldest_pending_at: string | null;
  last_error: string | null;
  last_note: string | null;
}

/** Delivery counts per sink, for `jitsudo server status`. */
export async function deliveryStats(
  db: Executor,
): Promise<{ undispatched: number; sinks: SinkDeliveryStats[] }> {
  const [u] = await sqlRows<{ n: number | string }>(
    db,
    sql`select count(*) as n from outbox_events where dispatched = false`,
  );
  const rows = await sqlRows<{
    sink: string;
    pending: number | string;
    delivered: number | string;
    dead: number | string;
    oldest: string | Date | null;
    last_error: string | null;
    last_note: string | null;
  }>(
    db,
    sql`select sink,
      count(*) filter (where state = 'pending') as pending,
      count(*) filter (where state = 'delivered') as delivered,
      count(*) filter (where state = 'dead') as dead,
      min(created_at) filter (where state = 'pending') as oldest,
      (array_agg(last_error order by next_attempt_at desc) filter (where last_error is not null and state <> 'delivered'))[1] as last_error,
      (array_agg(note order by delivered_at desc) filter (where note is not null and state = 'delivered'))[1] as last_note
      from outbox_deliveries group by sink order by sink`,
  );
  return {
    undispatched: Number(u?.n ?? 0),
    sinks: rows.map((r) => ({
      sink: r.sink,
      pending: Number(r.pending),
      delivered: Number(r.delivered),
      dead: Number(r.dead),
      oldest_pending_at: r.oldest ? new Date(r.oldest).toISOString() : null,
      last_error: r.last_error,
      last_note: r.last_note,
    })),
  };
}

/** ACTIVE grants expiring within (now, until] that have no warning yet for that expiry. */
export function expiringGrants(
  db: Executor,
  now: Date,
  until: Date,
  limit: number,
): Promise<{ id: string; provider: string; resource_scope: string; expires_at: string | Date }[]> {
  return sqlRows(
    db,
    sql`select r.id, r.provider, r.resource_scope, r.expires_at from requests r
      where r.state = 'ACTIVE' and r.expires_at > ${now.toISOString()}::timestamptz
        and r.expires_at <= ${until.toISOString()}::timestamptz
        and not exists (select 1 from outbox_events e where e.dedupe_key =
          'grant.expiring:' || r.id || ':' || (extract(epoch from r.expires_at) * 1000)::bigint)
      order by r.expires_at limit ${limit}`,
  );
}

/** Inserts scheduled events keyed by `dedupeKey`; a key another replica wrote already is skipped. */
export async function insertKeyedEvents(
  db: Executor,
  rows: readonly (OutboxRow & { dedupeKey: string })[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(
    sql`insert into outbox_events (id, type, request_id, payload, dedupe_key) values ${sql.join(
      rows.map((r) => sql`(${r.id}, ${r.type}, ${r.requestId}, ${r.payload}, ${r.dedupeKey})`),
      sql`, `,
    )} on conflict (dedupe_key) do nothing`,
  );
}

/** The request rows of `ids` (no lock: the worker only reads them to describe an event). */
export function requestsByIds(db: Executor, ids: readonly string[]): Promise<RequestRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(requests)
    .where(inArray(requests.id, [...ids]));
}
