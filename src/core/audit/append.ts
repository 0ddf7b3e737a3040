import type { Executor } from '../db/client.js';
import { withTx } from '../db/tx.js';
import { appendAuditMany } from './append-many.js';
import type { AuditRecord } from './hash.js';

export type AuditOutcome = 'success' | 'denied' | 'failure' | 'error';

export interface AuditInput {
  actor: string;
  actorKind?: string;
  onBehalfOf?: string;
  /** `noun.verb`, e.g. `request.created`, `grant.revoked`. */
  action: string;
  requestId?: string;
  provider?: string;
  resourceScope?: string;
  outcome: AuditOutcome;
  /** JSON data; never a credential or token. */
  details?: Record<string, unknown>;
}

/** One audit row as stored and returned (snake_case, like every outward shape). */
export type AuditEvent = AuditRecord;

/**
 * Appends one event to the hash chain inside `tx` (the transaction of the state change it records):
 * if the append fails the change rolls back, and concurrent appenders from any process queue on the
 * chain's advisory lock until this transaction ends. Given the root db, it opens its own transaction.
 */
export async function appendAudit(tx: Executor, e: AuditInput): Promise<AuditEvent> {
  const { ts, rows } = await withTx(tx, (t) => appendAuditMany(t, [e]));
  const { details, mac_key_id: _k, mac: _m, ...row } = rows[0]!;
  return { ...row, ts, details: JSON.parse(details) as Record<string, unknown> };
}
