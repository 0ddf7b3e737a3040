import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The hash-chained audit log. `id` is assigned by the appender as head + 1 under an advisory lock,
 * so ids are gap-free and a missing id means a deleted row. UPDATE/DELETE/TRUNCATE are rejected by
 * triggers (migration 0001). Encoding of `hash`: docs/adr/0010-audit-hash-chain.md.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey(),
    ts: timestamp('ts', { withTimezone: true, mode: 'date' }).notNull(),
    actor: text('actor').notNull(),
    actorKind: text('actor_kind').notNull(),
    onBehalfOf: text('on_behalf_of'),
    action: text('action').notNull(),
    requestId: text('request_id'),
    provider: text('provider'),
    resourceScope: text('resource_scope'),
    outcome: text('outcome', { enum: ['success', 'denied', 'failure', 'error'] }).notNull(),
    /** Canonical JSON text exactly as hashed (not jsonb: jsonb re-formats it); query with `details::jsonb`. */
    details: text('details').notNull().default('{}'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /** Id of the server key that MACed the row; null only on rows written before migration 0003. */
    macKeyId: text('mac_key_id'),
    /** Row MAC over `hash` (audit/row-mac.ts, docs/adr/0035); null only on rows before migration 0003. */
    mac: text('mac'),
  },
  (t) => [
    index('audit_events_request_idx').on(t.requestId, t.id.desc()),
    index('audit_events_actor_idx').on(t.actor, t.id.desc()),
    index('audit_events_action_idx').on(t.action, t.id.desc()),
    index('audit_events_ts_idx').on(t.ts),
    check('audit_events_outcome_check', sql`${t.outcome} in ('success', 'denied', 'failure', 'error')`),
  ],
);
