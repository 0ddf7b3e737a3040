import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Registered AI agents; the token itself is never stored, only its hash. */
export const agents = pgTable('agents', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  owner: text('owner').notNull(),
  /** Who registered it: with the owner, the people who control it (agents/controllers.ts). */
  createdBy: text('created_by').notNull(),
  scopes: jsonb('scopes').$type<string[]>().notNull().default([]),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
});
