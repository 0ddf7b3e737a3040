/**
 * The audit hash chain's exact encoding (docs/adr/0001-audit-hash-chain.md). Shared by the appender,
 * the database verifier and the offline export verifier, so all three agree byte for byte.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';

export const AUDIT_HASH_VERSION = 'jitsudo.audit.v1';
/** `prev_hash` of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hashed fields of one audit row, in wire form (what the export carries). */
export interface AuditRecord {
  id: number;
  /** UTC, microsecond precision: `2026-03-20T16:00:00.123000Z`. */
  ts: string;
  actor: string;
  actor_kind: string;
  on_behalf_of: string | null;
  action: string;
  request_id: string | null;
  provider: string | null;
  resource_scope: string | null;
  outcome: string;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/**
 * Canonical JSON (RFC 8785 style): object keys sorted by UTF-16 code units, no whitespace, numbers
 * and strings as `JSON.stringify` writes them. Rejects values JSON cannot carry faithfully.
 */
export function canonicalJson(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) throw new AppError('VALIDATION', 'audit details: non-finite number');
      return JSON.stringify(v);
    case 'object': {
      if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x === undefined ? null : x)).join(',')}]`;
      if (v instanceof Date) return JSON.stringify(v.toISOString());
      const keys = Object.keys(v as object).sort();
      const parts: string[] = [];
      for (const k of keys) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined) continue;
        parts.push(`${JSON.stringify(k)}:${canonicalJson(x)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new AppError('VALIDATION', `audit details: unsupported value of type ${typeof v}`);
  }
}

const str = (s: string | null) => (s === null ? 'null' : JSON.stringify(s));

/**
 * The bytes hashed for one row: a JSON array of a version tag, every field in a fixed order, the
 * canonical details and the previous hash. `detailsJson` is `canonicalJson(details)`.
 */
export function encodeAuditRecord(r: Omit<AuditRecord, 'hash' | 'details'>, detailsJson: string): string {
  return `[${JSON.stringify(AUDIT_HASH_VERSION)},${r.id},${JSON.stringify(r.ts)},${str(r.actor)},${str(
    r.actor_kind,
  )},${str(r.on_behalf_of)},${str(r.action)},${str(r.request_id)},${str(r.provider)},${str(
    r.resource_scope,
  )},${str(r.outcome)},${detailsJson},${JSON.stringify(r.prev_hash)}]`;
}

/** SHA-256 (lowercase hex) of a row's encoding; equal to its stored `hash` when untouched. */
export function hashAuditRecord(r: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256')
    .update(encodeAuditRecord(r, canonicalJson(r.details)), 'utf8')
    .digest('hex');
}

/** A Date as the chain's timestamp form (microseconds; JS dates carry milliseconds). */
export function auditTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, -1)}000Z`;
}
