import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Events worth telling someone (ADR 0046), written in the transaction of the state change they
 * describe. `dispatched` turns true once the delivery worker has made one delivery row per sink.
 */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    requestId: text('request_id'),
    /** JSON: who acted, outcome, details (audit details: never a credential). */
    payload: text('payload').notNull(),
    /** Set for scheduled events (grant.expiring) so replicas emit each one once. */
    dedupeKey: text('dedupe_key'),
    dispatched: boolean('dispatched').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('outbox_events_undispatched_idx').on(t.id).where(sql`${t.dispatched} = false`),
    uniqueIndex('outbox_events_dedupe_key_idx').on(t.dedupeKey),
    index('outbox_events_dispatched_created_idx').on(t.createdAt).where(sql`${t.dispatched} = true`),
  ],
);

/** One event's delivery to one sink: pending (claimed by pushing next_attempt_at past a lease), delivered or dead. */
export const outboxDeliveries = pgTable(
  'outbox_deliveries',
  {
    eventId: text('event_id')
      .notNull()
      .references(() => outboxEvents.id, { onDelete: 'cascade' }),
    sink: text('sink').notNull(),
    state: text('state', { enum: ['pending', 'delivered', 'dead'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    /** The last failure, as the sink described it (status, timeout); never a secret. */
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    deliveredAt: ts('delivered_at'),
    /** What the sink said about a success (e.g. a capped approver fan-out, ADR 0057); never a secret. */
    note: text('note'),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.sink] }),
    index('outbox_deliveries_due_idx').on(t.sink, t.nextAttemptAt).where(sql`${t.state} = 'pending'`),
    check('outbox_deliveries_state_check', sql`${t.state} in ('pending', 'delivered', 'dead')`),
  ],
);
