/**
 * Outbox upkeep (ADR 0057): pruning transport rows in bounded batches (the audit log is the
 * record; outbox rows and Slack message refs only carry it somewhere) and putting dead deliveries
 * back in the queue.
 */
import { sql } from 'drizzle-orm';
import { type Executor, sqlRows, type Transaction } from './client.js';

/**
 * Deletes up to `limit` dispatched events created before `before` that have no pending delivery
 * (their delivery rows go with them: ON DELETE CASCADE); returns how many.
 */
export async function pruneOutboxBatch(db: Executor, before: Date, limit: number): Promise<number> {
  const rows = await sqlRows(
    db,
    sql`delete from outbox_events where id in (
      select e.id from outbox_events e
      where e.dispatched and e.created_at < ${before.toISOString()}::timestamptz
        and not exists (select 1 from outbox_deliveries d where d.event_id = e.id and d.state = 'pending')
      order by e.created_at limit ${limit}
    ) returning id`,
  );
  return rows.length;
}

/** Deletes up to `limit` slack_messages of requests that ended before `before`; returns how many. */
export async function pruneSlackMessagesBatch(db: Executor, before: Date, limit: number): Promise<number> {
  const rows = await sqlRows(
    db,
    sql`delete from slack_messages where (request_id, channel) in (
      select m.request_id, m.channel from slack_messages m join requests r on r.id = m.request_id
      where r.ended_at < ${before.toISOString()}::timestamptz
      limit ${limit}
    ) returning request_id`,
  );
  return rows.length;
}

/**
 * Deletes up to `limit` step-up links that expired before `before`, used or not; returns how many.
 * A link is worthless once expired, and its use is in the audit log.
 */
export async function pruneStepUpLinksBatch(db: Executor, before: Date, limit: number): Promise<number> {
  const rows = await sqlRows(
    db,
    sql`delete from step_up_links where id_hash in (
      select id_hash from step_up_links where expires_at < ${before.toISOString()}::timestamptz
      order by expires_at limit ${limit}
    ) returning id_hash`,
  );
  return rows.length;
}

/** What a requeue selects: dead deliveries of these sinks, optionally of one event. */
export interface RequeueFilter {
  sinks: readonly string[];
  eventId?: string;
}

/**
 * Locks the dead deliveries `f` selects and makes them pending, due now, with a fresh attempt count;
 * returns how many per sink. Runs in the caller's transaction (the audit row goes with it).
 */
export async function requeueDead(
  tx: Transaction,
  f: RequeueFilter,
  now: Date,
): Promise<{ sink: string; count: number }[]> {
  if (f.sinks.length === 0) return [];
  const rows = await sqlRows<{ sink: string; n: number | string }>(
    tx,
    sql`with dead as (
      select event_id, sink from outbox_deliveries
      where state = 'dead' and sink in (${sql.join(
        f.sinks.map((s) => sql`${s}`),
        sql`, `,
      )})${f.eventId === undefined ? sql`` : sql` and event_id = ${f.eventId}`}
      for update
    ), requeued as (
      update outbox_deliveries d set state = 'pending', attempts = 0, last_error = null,
        next_attempt_at = ${now.toISOString()}::timestamptz
      from dead where d.event_id = dead.event_id and d.sink = dead.sink
      returning d.sink
    )
    select sink, count(*) as n from requeued group by sink order by sink`,
  );
  return rows.map((r) => ({ sink: r.sink, count: Number(r.n) }));
}
