import { boolean, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Immutable history of every policy change; kept after the policy is deleted (deleted = true). */
export const policyRevisions = pgTable(
  'policy_revisions',
  {
    policyId: text('policy_id').notNull(),
    revision: integer('revision').notNull(),
    name: text('name').notNull(),
    rego: text('rego').notNull(),
    regoVersion: text('rego_version', { enum: ['v0', 'v1'] })
      .notNull()
      .default('v1'),
    description: text('description').notNull().default(''),
    enabled: boolean('enabled').notNull(),
    deleted: boolean('deleted').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.policyId, t.revision] })],
);
