import { bigint, bigserial, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** Ed25519-signed statements "the chain had `row_count` rows ending in `head_hash`": catch truncation. */
export const auditCheckpoints = pgTable(
  'audit_checkpoints',
  {
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
    /**
     * 1, 2, 3… signed (payload v2): a gap is a deleted checkpoint. Null on checkpoints signed before
     * migration 0003 (payload v1, unnumbered). docs/adr/0035.
     */
    seq: bigint('seq', { mode: 'number' }),
    /** SHA-256 of the predecessor's signed payload (64 zeros for the first), signed; null on v1. */
    prevDigest: text('prev_digest'),
  },
  (t) => [uniqueIndex('audit_checkpoints_seq_idx').on(t.seq)],
);
