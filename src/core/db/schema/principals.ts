import { sql } from 'drizzle-orm';
import { check, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Everyone the server has seen, with the trust tier (0–4) policies read as `context.trust_tier`. */
export const principals = pgTable(
  'principals',
  {
    identity: text('identity').primaryKey(),
    kind: text('kind', { enum: ['human', 'agent'] })
      .notNull()
      .default('human'),
    trustTier: integer('trust_tier').notNull().default(0),
    enrolledBy: text('enrolled_by').notNull().default(''),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    notes: text('notes').notNull().default(''),
  },
  (t) => [
    check('principals_trust_tier_check', sql`${t.trustTier} between 0 and 4`),
    check('principals_kind_check', sql`${t.kind} in ('human', 'agent')`),
  ],
);
