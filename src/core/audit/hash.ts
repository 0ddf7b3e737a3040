/**
 * The audit hash chain's exact encoding (docs/adr/0010-audit-hash-chain.md). Shared by the appender,
 * the database verifier and the offline export verifier, so all three agree byte for byte.
 */
import { hash as oneShotHash } from 'node:crypto';
import { AppError } from '../errors.js';

export const AUDIT_HASH_VERSION = 'jitsudo.audit.v1';
/** `prev_hash` of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** One audit row in wire form (what queries return and the export carries). */
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
 * One stored row as text fields in this order (null for SQL NULL; `details` canonical JSON text, `id`
 * decimal): what the verifier hashes, with no driver parsing in between.
 */
export const AUDIT_ROW_FIELDS = [
  'id',
  'ts',
  'actor',
  'actor_kind',
  'on_behalf_of',
  'action',
  'request_id',
  'provider',
  'resource_scope',
  'outcome',
  'details',
  'prev_hash',
  'hash',
] as const;
export type RawAuditRow = (string | null)[];
/** Index of `hash` in a RawAuditRow; fields before it are the hashed ones. */
export const HASH_INDEX = 12;

/** The hashed fields as strings: `details` is canonical JSON text, `id` its decimal form. */
export interface AuditHashFields {
  id: string;
  ts: string;
  actor: string;
  actor_kind: string;
  on_behalf_of: string | null;
  action: string;
  request_id: string | null;
  provider: string | null;
  resource_scope: string | null;
  outcome: string;
  details: string;
  prev_hash: string;
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

// Length-prefixed, so the encoding is injective whatever the fields contain, and cheap: no escaping.
const f = (s: string | null): string => (s === null ? '\n-' : `\n${s.length}:${s}`);

/**
 * The exact string hashed for one row: the version tag, then each field as `\n<len>:<value>`
 * (`\n-` for null), `len` in UTF-16 code units; hashed as UTF-8.
 */
export function encodeAuditFields(r: AuditHashFields): string {
  return (
    AUDIT_HASH_VERSION +
    f(r.id) +
    f(r.ts) +
    f(r.actor) +
    f(r.actor_kind) +
    f(r.on_behalf_of) +
    f(r.action) +
    f(r.request_id) +
    f(r.provider) +
    f(r.resource_scope) +
    f(r.outcome) +
    f(r.details) +
    f(r.prev_hash)
  );
}

/** `encodeAuditFields` for a RawAuditRow (fields 0..11). */
export function encodeAuditRow(row: RawAuditRow): string {
  let out = AUDIT_HASH_VERSION;
  for (let i = 0; i < HASH_INDEX; i++) out += f(row[i] ?? null);
  return out;
}

/** A wire-form record as a RawAuditRow (details re-canonicalized). */
export function recordToRow(r: AuditRecord): RawAuditRow {
  return [
    String(r.id),
    r.ts,
    r.actor,
    r.actor_kind,
    r.on_behalf_of,
    r.action,
    r.request_id,
    r.provider,
    r.resource_scope,
    r.outcome,
    canonicalJson(r.details),
    r.prev_hash,
    r.hash,
  ];
}

/** Lowercase hex SHA-256 of an encoding. */
export function sha256Hex(s: string): string {
  return oneShotHash('sha256', s, 'hex');
}

/** The hash a wire-form record should carry (details re-canonicalized). */
export function hashAuditRecord(r: Omit<AuditRecord, 'hash'>): string {
  return sha256Hex(encodeAuditFields({ ...r, id: String(r.id), details: canonicalJson(r.details) }));
}

/** A Date as the chain's timestamp form (microseconds; JS dates carry milliseconds). */
export function auditTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, -1)}000Z`;
}
