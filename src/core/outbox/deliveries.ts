/**
 * The delivery worker's steps, as core functions over the outbox tables (ADR 0046): fan events out
 * to the sinks that want them, claim a sink's due deliveries under a lease, read an event as sinks
 * see it, record outcomes, prune. The worker (src/notify) only loops and calls the sinks.
 */
import { listApprovals } from '../db/approvals-repo.js';
import {
  type ClaimedDelivery,
  claimDeliveries,
  type DeliveryOutcome,
  type FanOutSink,
  fanOutEvents,
  recordDelivered,
  recordDelivery,
  recordNote,
  requestsByIds,
} from '../db/outbox-repo.js';
import type { CoreDeps } from '../deps.js';
import { type RequestView, toRequestView } from '../requests/view.js';

export type { ClaimedDelivery, DeliveryOutcome, FanOutSink };

/** One event as sinks see it: the outbox row, its payload and the request's view at delivery. */
export interface OutboxEvent {
  /** `evt_<ULID>`: the idempotency key every receiver dedupes on. */
  id: string;
  type: string;
  /** When the state change committed (RFC 3339). */
  time: string;
  request_id: string | null;
  /** Who acted and how (audit fields; never a credential). */
  data: Record<string, unknown>;
  /** The request as it stands when delivered (RequestView never carries credentials); null if none. */
  request: RequestView | null;
  /** 1 on the first try. */
  attempt: number;
}

/** Makes the delivery rows of up to `limit` new events; returns how many events it took. */
export function fanOut(deps: CoreDeps, sinks: readonly FanOutSink[], limit: number): Promise<number> {
  return fanOutEvents(deps.db, sinks, limit, deps.now());
}

/** Claims up to `limit` of `sink`'s due deliveries for notifications.lease_seconds. */
export function claimForSink(deps: CoreDeps, sink: string, limit: number): Promise<ClaimedDelivery[]> {
  const now = deps.now();
  const lease = new Date(now.getTime() + deps.config.notifications.lease_seconds * 1000);
  return claimDeliveries(deps.db, sink, now, lease, limit);
}

/**
 * The events of a claimed batch, each with its request's current view (requests and approvals
 * read with one query each for the whole batch).
 */
export async function eventsOf(deps: CoreDeps, rows: readonly ClaimedDelivery[]): Promise<OutboxEvent[]> {
  const ids = [...new Set(rows.map((r) => r.request_id).filter((id): id is string => id !== null))];
  const [reqs, approvals] = await Promise.all([requestsByIds(deps.db, ids), listApprovals(deps.db, ids)]);
  const views = new Map<string, RequestView>(
    reqs.map((row) => [row.id, toRequestView(row, approvals.get(row.id) ?? [])]),
  );
  return rows.map((r) => {
    const { time, ...data } = JSON.parse(r.payload) as Record<string, unknown>;
    return {
      id: r.id,
      type: r.type,
      time: typeof time === 'string' ? time : r.created_at,
      request_id: r.request_id,
      data,
      request: (r.request_id && views.get(r.request_id)) || null,
      attempt: r.attempts,
    };
  });
}

/** Records a batch of successes in one statement. */
export function markDelivered(deps: CoreDeps, sink: string, eventIds: readonly string[]): Promise<void> {
  return recordDelivered(deps.db, sink, eventIds, deps.now());
}

/** Records a failure (a retry time or death) for the claim numbered `attempts`. */
export function markFailed(
  deps: CoreDeps,
  sink: string,
  r: ClaimedDelivery,
  outcome: Exclude<DeliveryOutcome, { kind: 'delivered' }>,
): Promise<void> {
  return recordDelivery(deps.db, sink, r.id, r.attempts, outcome, deps.now());
}

/** Keeps a sink's note about a delivered event (shown by the status as the sink's last note). */
export function noteDelivery(deps: CoreDeps, sink: string, eventId: string, note: string): Promise<void> {
  return recordNote(deps.db, sink, eventId, note);
}
