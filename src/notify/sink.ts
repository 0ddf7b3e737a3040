/**
 * What a notification sink is (ADR 0046): the webhook sink here; Slack, email and SIEM later. The
 * worker hands a sink one event at a time and records what the sink says happened.
 */
import type { ApproverCandidates } from '../core/outbox/approvers.js';
import type { OutboxEvent } from '../core/outbox/deliveries.js';

export type { OutboxEvent };

export type SinkResult =
  /** `note`: something the status should show about a success (e.g. a capped approver fan-out); never a secret. */
  | { ok: true; note?: string }
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

/** Finds the people to notify about a request waiting for them (core's approverCandidates, ADR 0057). */
export type ApproverResolver = (requestId: string) => Promise<ApproverCandidates>;

/** Events that tell approvers a request now waits for them (Slack DMs, approver emails). */
export const APPROVER_EVENTS: ReadonlySet<string> = new Set(['request.created', 'request.escalated']);
