import { boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** The live policy store: one row per named Rego module; every change also lands in policy_revisions. */
export const policies = pgTable('policies', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** The Rego package the module declares (`jitsudo.eligibility`), for listing. */
  package: text('package').notNull().default(''),
  rego: text('rego').notNull(),
  regoVersion: text('rego_version', { enum: ['v0', 'v1'] })
    .notNull()
    .default('v1'),
  description: text('description').notNull().default(''),
  enabled: boolean('enabled').notNull().default(true),
  revision: integer('revision').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  createdBy: text('created_by').notNull().default(''),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedBy: text('updated_by').notNull().default(''),
});
