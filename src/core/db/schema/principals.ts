import { sql } from 'drizzle-orm';
import { check, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { agents } from './agents.js';

/**
 * Everyone the server has seen, with the trust tier (0–4) policies read as `context.trust_tier`.
 * An agent's row is keyed to the agent's id (`agent_id`), not only its name: a tier belongs to one
 * registered agent and can never pass to another that takes the name (ADR 0034).
 */
export const principals = pgTable(
  'principals',
  {
    identity: text('identity').primaryKey(),
    kind: text('kind', { enum: ['human', 'agent', 'service'] })
      .notNull()
      .default('human'),
    /** Set for registered agents; the agent's row going away takes the tier with it. */
    agentId: text('agent_id')
      .unique()
      .references(() => agents.id, { onDelete: 'cascade' }),
    trustTier: integer('trust_tier').notNull().default(0),
    enrolledBy: text('enrolled_by').notNull().default(''),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    notes: text('notes').notNull().default(''),
    /** Groups the last authenticated call carried: whom to *notify* as an approver, never authority (ADR 0057). */
    groups: jsonb('groups').$type<string[]>().notNull().default([]),
  },
  (t) => [
    check('principals_trust_tier_check', sql`${t.trustTier} between 0 and 4`),
    check('principals_kind_check', sql`${t.kind} in ('human', 'agent', 'service')`),
    // A registered agent's identity (`agent:<name>`) never has a row without its agent's id. (A dev
    // token may claim kind "agent" for an email identity: no registered agent, no agent_id.)
    check(
      'principals_agent_id_check',
      sql`(${t.agentId} is null or ${t.kind} = 'agent') and (${t.identity} not like 'agent:%' or ${t.agentId} is not null)`,
    ),
  ],
);
