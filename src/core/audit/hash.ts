/**
 * The audit hash chain's exact encoding (docs/adr/0010-audit-hash-chain.md). Shared by the appender,
 * the database verifier and the offline export verifier, so all three agree byte for byte.
 */
import { hash as oneShotHash } from 'node:crypto';
import { AppError } from '../errors.js';

export const AUDIT_HASH_VERSION = 'jitsudo.audit.v2';
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

const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};
const NEEDS_ESCAPE = /[\\\b\f\n\r\t\v]/;
const ESCAPE_ALL = /[\\\b\f\n\r\t\v]/g;

/** One field as PostgreSQL's COPY text format writes it: `\N` for null, these six controls and `\` escaped. */
export function copyField(s: string | null): string {
  if (s === null) return '\\N';
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPE_ALL, (c) => COPY_ESCAPES[c]!) : s;
}

/**
 * `2026-03-20T16:00:00.123000Z` → `2026-03-20 16:00:00.123+00`: how PostgreSQL prints a timestamptz
 * with DateStyle ISO in UTC (fraction without trailing zeros, none when zero).
 */
export function pgTimestamp(iso: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$/.exec(iso);
  if (!m) return iso; // not a chain timestamp: hashes to something no stored row matches
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1]} ${m[2]}${frac ? `.${frac}` : ''}+00`;
}

/** `2026-03-20 16:00:00.123+00` (PostgreSQL ISO, UTC) → `2026-03-20T16:00:00.123000Z`; else unchanged. */
export function isoTimestamp(pg: string): string {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/.exec(pg);
  return m ? `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(6, '0')}Z` : pg;
}

/**
 * The row's hashed fields as one line of PostgreSQL COPY text format (tab-separated, in schema
 * order, `ts` as PostgreSQL prints it in UTC) — without the trailing `hash` field. The hash is
 * SHA-256 of `"jitsudo.audit.v2\t" + line`. Using COPY's own format lets the verifier hash the
 * lines the database streams as they are, with no parsing (docs/adr/0010-audit-hash-chain.md).
 */
export function auditCopyLine(r: Omit<AuditRecord, 'hash' | 'details'> & { details: string }): string {
  return [
    String(r.id),
    pgTimestamp(r.ts),
    copyField(r.actor),
    copyField(r.actor_kind),
    copyField(r.on_behalf_of),
    copyField(r.action),
    copyField(r.request_id),
    copyField(r.provider),
    copyField(r.resource_scope),
    copyField(r.outcome),
    copyField(r.details),
    copyField(r.prev_hash),
  ].join('\t');
}

const TAG = `${AUDIT_HASH_VERSION}\t`;

/** Lowercase hex SHA-256 of a COPY line (the version tag is prepended here). */
export function hashCopyLine(line: string): string {
  return oneShotHash('sha256', TAG + line, 'hex');
}

/** The hash a wire-form record should carry (details re-canonicalized). */
export function hashAuditRecord(r: Omit<AuditRecord, 'hash'>): string {
  return hashCopyLine(auditCopyLine({ ...r, details: canonicalJson(r.details) }));
}

/** A Date as the chain's timestamp form (microseconds; JS dates carry milliseconds). */
export function auditTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, -1)}000Z`;
}
