import { bigint, bigserial, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Ed25519-signed statements "the chain had `row_count` rows ending in `head_hash`": catch truncation. */
export const auditCheckpoints = pgTable('audit_checkpoints', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  rowCount: bigint('row_count', { mode: 'number' }).notNull(),
  headId: bigint('head_id', { mode: 'number' }).notNull(),
  headHash: text('head_hash').notNull(),
  signedAt: timestamp('signed_at', { withTimezone: true, mode: 'date' }).notNull(),
  keyId: text('key_id').notNull(),
  /** base64url Ed25519 signature over the payload in audit/checkpoint-sign.ts. */
  signature: text('signature').notNull(),
  /** base64url raw Ed25519 public key. */
  publicKey: text('public_key').notNull(),
});
