/**
 * What a notification sink is (ADR 0046): the webhook sink here; Slack, email and SIEM later. The
 * worker hands a sink one event at a time and records what the sink says happened.
 */
import type { RequestView } from '../core/requests/view.js';

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

export type SinkResult =
  | { ok: true }
  /** `retryable: false` sends the delivery to the dead state now; `retryAfterMs` is a floor for the next try. */
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

export interface Sink {
  /** Unique among sinks: the delivery rows are keyed by it. */
  readonly name: string;
  wants(type: string): boolean;
  /** Never throws for a delivery failure (returns it); must give up when `signal` aborts. */
  deliver(event: OutboxEvent, signal: AbortSignal): Promise<SinkResult>;
}

/** Matches event filters: an exact type, `noun.*`, or `*`. */
export function eventFilter(filters: readonly string[]): (type: string) => boolean {
  return (type) =>
    filters.some((f) => f === '*' || f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));
}
