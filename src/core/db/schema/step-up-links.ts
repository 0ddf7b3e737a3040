import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Single-use step-up links (ADR 0050): a Slack click on a step_up request gets one instead of a
 * decision. Only the SHA-256 of the link's random id is kept, so a database reader cannot use one.
 */
export const stepUpLinks = pgTable(
  'step_up_links',
  {
    idHash: text('id_hash').primaryKey(),
    requestId: text('request_id').notNull(),
    /** `approve`: a pending request's decision (approve or deny); `review`: a break-glass review. */
    decision: text('decision', { enum: ['approve', 'review'] }).notNull(),
    /** The jitsudo identity the clicker's Slack email named: only they may use the link. */
    principal: text('principal').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [
    index('step_up_links_expires_idx').on(t.expiresAt),
    check('step_up_links_decision_check', sql`${t.decision} in ('approve', 'review')`),
  ],
);
