/**
 * The per-row MAC of the audit chain (docs/adr/0035-audit-row-macs-and-anchors.md): proof that the
 * server, holding its key, appended the row — a correctly hashed row written straight into the
 * database has none. Computed by the appender right where the row hash is, checked by every verifier
 * that has the key.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';

export const AUDIT_MAC_VERSION = 'jitsudo.audit.mac.v1';

/** A row-MAC key: `id` is stored on every row it authenticates; `secret` is 64 hex chars, never shown. */
export interface AuditMacKey {
  id: string;
  secret: string;
}

/** The short id of a MAC key: a hash of the secret, so it names the key without revealing it. */
export function auditMacKeyId(secret: string): string {
  return createHash('sha256').update(`${AUDIT_MAC_VERSION}.key-id\t${secret}`).digest('hex').slice(0, 8);
}

/**
 * MAC of a row = the first 128 bits of SHA-256("jitsudo.audit.mac.v1" TAB secret TAB row_hash), hex.
 * A secret-prefix MAC is sound here because the message is always exactly one 64-hex row hash: the
 * message set is prefix-free, so SHA-256's length extension yields no MAC the verifier would ever
 * compute. It costs one one-shot hash; HMAC through node:crypto's object API costs ~4–8× more per
 * row, which the verifier's 200,000 rows/s budget cannot carry (ADR 0035, measured).
 */
export function rowMac(prefix: string, rowHash: string): string {
  return oneShotHash('sha256', prefix + rowHash, 'hex').slice(0, 32);
}

/** The constant text a key's MACs start with (computed once per key, not per row). */
export function macPrefix(key: AuditMacKey): string {
  return `${AUDIT_MAC_VERSION}\t${key.secret}\t`;
}

/** Key id → MAC prefix for the verifiers: the current key and every retired one still trusted. */
export function macKeyring(keys: readonly AuditMacKey[]): Map<string, string> {
  return new Map(keys.map((k) => [k.id, macPrefix(k)]));
}
