/** The signed statement of an audit checkpoint: what is signed, and how it is checked. */
import { type KeyObject, sign, verify } from 'node:crypto';
import { exportPublicKey, importPublicKey, publicKeyId } from '../crypto/secrets.js';

export interface AuditCheckpoint {
  id: number;
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

/** The exact bytes signed: a versioned, newline-separated statement of the chain's head. */
export function checkpointPayload(
  c: Pick<AuditCheckpoint, 'row_count' | 'head_id' | 'head_hash' | 'signed_at'>,
): Buffer {
  return Buffer.from(
    `jitsudo.audit.checkpoint.v1\n${c.row_count}\n${c.head_id}\n${c.head_hash}\n${c.signed_at}\n`,
    'utf8',
  );
}

/** Signs a checkpoint for the given head with the server's Ed25519 key. */
export function signCheckpoint(
  key: KeyObject,
  publicKey: KeyObject,
  head: { row_count: number; head_id: number; head_hash: string; signed_at: string },
): Omit<AuditCheckpoint, 'id'> {
  return {
    ...head,
    key_id: publicKeyId(publicKey),
    signature: sign(null, checkpointPayload(head), key).toString('base64url'),
    public_key: exportPublicKey(publicKey),
  };
}

/** Whether `c` is signed by `trusted` (a base64url public key) — the key in the row itself is not trusted. */
export function checkpointSignatureValid(c: AuditCheckpoint, trusted: string): boolean {
  if (c.public_key !== trusted) return false;
  try {
    return verify(
      null,
      checkpointPayload(c),
      importPublicKey(trusted),
      Buffer.from(c.signature, 'base64url'),
    );
  } catch {
    return false;
  }
}
