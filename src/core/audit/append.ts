import { insertAuditRecord, lockAuditChain, readAuditHead } from '../db/audit-repo.js';
import type { Executor } from '../db/client.js';
import { withTx } from '../db/tx.js';
import { AppError } from '../errors.js';
import {
  type AuditRecord,
  auditCopyLine,
  auditTimestamp,
  canonicalJson,
  GENESIS_HASH,
  hashCopyLine,
} from './hash.js';

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

const ACTION_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const OUTCOMES = new Set(['success', 'denied', 'failure', 'error']);

/**
 * Appends one event to the hash chain inside `tx` (the transaction of the state change it records):
 * if the append fails the change rolls back, and concurrent appenders from any process queue on the
 * chain's advisory lock until this transaction ends. Given the root db, it opens its own transaction.
 */
export async function appendAudit(tx: Executor, e: AuditInput): Promise<AuditEvent> {
  if (typeof e.action !== 'string' || !ACTION_RE.test(e.action))
    throw new AppError('INTERNAL', `audit action must look like noun.verb, got ${JSON.stringify(e.action)}`);
  if (!OUTCOMES.has(e.outcome)) throw new AppError('INTERNAL', `unknown audit outcome ${String(e.outcome)}`);
  if (typeof e.actor !== 'string' || e.actor === '')
    throw new AppError('INTERNAL', 'audit actor is required');
  const details = e.details ?? {};
  if (typeof details !== 'object' || details === null || Array.isArray(details))
    throw new AppError('INTERNAL', 'audit details must be a JSON object');
  const detailsJson = canonicalJson(details);
  return withTx(tx, async (t) => {
    await lockAuditChain(t);
    const head = await readAuditHead(t);
    const rec: Omit<AuditRecord, 'hash'> = {
      id: head ? head.id + 1 : 1,
      ts: auditTimestamp(new Date()),
      actor: e.actor,
      actor_kind: e.actorKind ?? (e.actor === 'system' ? 'system' : 'human'),
      on_behalf_of: e.onBehalfOf ?? null,
      action: e.action,
      request_id: e.requestId ?? null,
      provider: e.provider ?? null,
      resource_scope: e.resourceScope ?? null,
      outcome: e.outcome,
      details: JSON.parse(detailsJson) as Record<string, unknown>,
      prev_hash: head ? head.hash : GENESIS_HASH,
    };
    const hash = hashCopyLine(auditCopyLine({ ...rec, details: detailsJson }));
    const full: AuditRecord = { ...rec, hash };
    await insertAuditRecord(t, full, detailsJson);
    return full;
  });
}
