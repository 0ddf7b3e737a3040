/**
 * Which audit actions are events worth telling someone, and under which public type (ADR 0046).
 * Every state change already writes its audit row in its transaction; the outbox rows are derived
 * from those rows at that single point (audit/append-many.ts), so no verb or surface can forget one.
 */
import type { AuditInput } from '../audit/append.js';
import { newId } from '../ids.js';

/** Audit action → outbox event type. An action not listed here tells no one. */
export const EVENT_OF_ACTION: Readonly<Record<string, string>> = {
  'request.created': 'request.created',
  'request.approval_recorded': 'request.approval_recorded',
  'request.approved': 'request.approved',
  'request.auto_approved': 'request.approved',
  'request.denied': 'request.denied',
  'request.denied_by_policy': 'request.denied',
  'request.escalated': 'request.escalated',
  'request.cancelled': 'request.cancelled',
  'request.expired': 'request.expired',
  'request.failed': 'request.failed',
  'grant.issued': 'grant.issued',
  'grant.failed': 'request.failed',
  'grant.extended': 'grant.extended',
  'grant.expired': 'grant.expired',
  'grant.revoked': 'grant.revoked',
  'grant.revoke_failed': 'grant.revoke_failing',
  'grant.drift_detected': 'grant.drift_detected',
  'break_glass.used': 'break_glass.used',
  'audit.tamper_detected': 'audit.checkpoint_refused',
};

/** Every event type a sink may subscribe to (the filters in notifications.webhooks[].events). */
export const EVENT_TYPES: readonly string[] = [
  ...new Set([...Object.values(EVENT_OF_ACTION), 'grant.expiring']),
];

/** One row of outbox_events as written. */
export interface OutboxRow {
  id: string;
  type: string;
  requestId: string | null;
  payload: string;
}

/** The outbox rows `events` imply (none for actions that tell no one), in order. */
export function outboxRowsFor(events: readonly AuditInput[], ts: string): OutboxRow[] {
  const out: OutboxRow[] = [];
  for (const e of events) {
    const type = EVENT_OF_ACTION[e.action];
    if (!type) continue;
    out.push({
      id: newId('evt'),
      type,
      requestId: e.requestId ?? null,
      payload: JSON.stringify({
        time: ts,
        action: e.action,
        outcome: e.outcome,
        actor: e.actor,
        actor_kind: e.actorKind ?? (e.actor === 'system' ? 'system' : 'human'),
        ...(e.onBehalfOf ? { on_behalf_of: e.onBehalfOf } : {}),
        ...(e.provider ? { provider: e.provider } : {}),
        ...(e.resourceScope !== undefined ? { resource_scope: e.resourceScope } : {}),
        details: e.details ?? {},
      }),
    });
  }
  return out;
}
