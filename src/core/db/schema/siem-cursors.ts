import { bigint, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Per SIEM sink (ADR 0049): the id of the last audit row it received (rows after it are streamed
 * next, in id order) and a lease, so one replica at a time streams a sink and rows stay in order.
 */
export const siemCursors = pgTable('siem_cursors', {
  sink: text('sink').primaryKey(),
  lastId: bigint('last_id', { mode: 'number' }).notNull().default(0),
  leasedUntil: ts('leased_until'),
  /** Consecutive failed sends (drives the backoff); 0 after a success. */
  failures: integer('failures').notNull().default(0),
  /** The last failure as the sink described it (status, error code); never a secret. */
  lastError: text('last_error'),
  deliveredAt: ts('delivered_at'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
