import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { requests } from './requests.js';

/** One row per decision on a request (approve, deny, or an AI reviewer's escalate). */
export const approvals = pgTable(
  'approvals',
  {
    id: text('id').primaryKey(),
    requestId: text('request_id')
      .notNull()
      .references(() => requests.id),
    actorIdentity: text('actor_identity').notNull(),
    actorKind: text('actor_kind').notNull(),
    onBehalfOf: text('on_behalf_of'),
    /** The approver's groups when deciding, so a policy can ask for approvers of different teams (ADR 0044). */
    actorGroups: jsonb('actor_groups').$type<string[]>().notNull().default([]),
    /**
     * Everyone this decision speaks for (lower-cased): the approver and, for an agent, the people who
     * control it (owner and creator, ADR 0034). Two approvals whose parties meet count once (ADR 0044).
     * Empty on rows written before 0010: read as the approver and the owner it acted for.
     */
    actorParty: jsonb('actor_party').$type<string[]>().notNull().default([]),
    decision: text('decision', { enum: ['approve', 'deny', 'escalate'] }).notNull(),
    comment: text('comment').notNull().default(''),
    /** An AI reviewer's structured reasoning. */
    reasoning: jsonb('reasoning').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('approvals_request_idx').on(t.requestId, t.createdAt),
    check('approvals_decision_check', sql`${t.decision} in ('approve', 'deny', 'escalate')`),
  ],
);
