/**
 * The signed statement of an audit checkpoint: what is signed, and how it is checked. v2
 * (docs/adr/0035) numbers checkpoints and links each to its predecessor's digest; v1 checkpoints
 * (signed before migration 0003: `seq` null) are still checked as the statement they were.
 */
import { type KeyObject, hash as oneShotHash, sign, verify } from 'node:crypto';
import { exportPublicKey, importPublicKey, publicKeyId } from '../crypto/secrets.js';
import { GENESIS_HASH } from './hash.js';

export interface AuditCheckpoint {
  id: number;
  /** 1, 2, 3… (v2); null on a v1 checkpoint. */
  seq: number | null;
  /** `checkpointDigest` of the predecessor (64 zeros for the first); null on a v1 checkpoint. */
  prev_digest: string | null;
  row_count: number;
  head_id: number;
  head_hash: string;
  /** ISO 8601, millisecond precision. */
  signed_at: string;
  key_id: string;
  /** base64url Ed25519 signature of `checkpointPayload`. */
  signature: string;
  /** base64url raw Ed25519 public key. */
  public_key: string;
}

type Statement = Pick<
  AuditCheckpoint,
  'seq' | 'prev_digest' | 'row_count' | 'head_id' | 'head_hash' | 'signed_at'
>;

/** `prev_digest` of the first numbered checkpoint when no v1 checkpoint precedes it. */
export const FIRST_CHECKPOINT_PREV = GENESIS_HASH;

/** The exact bytes signed: a versioned, newline-separated statement of the chain's head. */
export function checkpointPayload(c: Statement): Buffer {
  const tail = `${c.row_count}\n${c.head_id}\n${c.head_hash}\n${c.signed_at}\n`;
  return Buffer.from(
    c.seq === null
      ? `jitsudo.audit.checkpoint.v1\n${tail}`
      : `jitsudo.audit.checkpoint.v2\n${c.seq}\n${c.prev_digest}\n${tail}`,
    'utf8',
  );
}

/** Lowercase hex SHA-256 of the signed payload: what the next checkpoint's `prev_digest` commits to. */
export function checkpointDigest(c: Statement): string {
  return oneShotHash('sha256', checkpointPayload(c), 'hex');
}

/** Signs a numbered checkpoint for the given head with the server's Ed25519 key. */
export function signCheckpoint(
  key: KeyObject,
  publicKey: KeyObject,
  head: Statement & { seq: number; prev_digest: string },
): Omit<AuditCheckpoint, 'id'> {
  return {
    ...head,
    key_id: publicKeyId(publicKey),
    signature: sign(null, checkpointPayload(head), key).toString('base64url'),
    public_key: exportPublicKey(publicKey),
  };
}

/**
 * Whether `c` is signed by one of `trusted` (base64url public keys: the current one and retired
 * ones) — the key in the row itself is never trusted on its own.
 */
export function checkpointSignatureValid(c: AuditCheckpoint, trusted: string | readonly string[]): boolean {
  const keys = typeof trusted === 'string' ? [trusted] : trusted;
  if (!keys.includes(c.public_key)) return false;
  if ((c.seq === null) !== (c.prev_digest === null)) return false;
  try {
    return verify(
      null,
      checkpointPayload(c),
      importPublicKey(c.public_key),
      Buffer.from(c.signature, 'base64url'),
    );
  } catch {
    return false;
  }
}
