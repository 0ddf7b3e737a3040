/**
 * Appends several events to the hash chain at once: one chain lock, one head read, one insert. The
 * group-commit runner uses it to write every event of a batch of transactions in the batch's own
 * transaction. Records carry the same fields `appendAudit` writes and are hashed with the verifier's
 * own `hashAuditRecord`, so batch and single appends cannot diverge.
 */
import { insertAuditRecords } from '../db/audit-insert-many.js';
import { lockAuditChain, readAuditHead } from '../db/audit-repo.js';
import type { Transaction } from '../db/client.js';
import { AppError } from '../errors.js';
import type { AuditEvent, AuditInput } from './append.js';
import { type AuditRecord, auditTimestamp, canonicalJson, GENESIS_HASH, hashAuditRecord } from './hash.js';

const ACTION_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const OUTCOMES = new Set(['success', 'denied', 'failure', 'error']);

/** Throws INTERNAL for an event appendAudit would refuse (checked before anything is written). */
export function checkAuditInput(e: AuditInput): string {
  if (typeof e.action !== 'string' || !ACTION_RE.test(e.action))
    throw new AppError('INTERNAL', `audit action must look like noun.verb, got ${JSON.stringify(e.action)}`);
  if (!OUTCOMES.has(e.outcome)) throw new AppError('INTERNAL', `unknown audit outcome ${String(e.outcome)}`);
  if (typeof e.actor !== 'string' || e.actor === '')
    throw new AppError('INTERNAL', 'audit actor is required');
  const details = e.details ?? {};
  if (typeof details !== 'object' || details === null || Array.isArray(details))
    throw new AppError('INTERNAL', 'audit details must be a JSON object');
  return canonicalJson(details);
}

/** Appends `events` in order inside `tx` (which must be the transaction of the state changes). */
export async function appendAuditMany(tx: Transaction, events: readonly AuditInput[]): Promise<AuditEvent[]> {
  if (events.length === 0) return [];
  const texts = events.map(checkAuditInput);
  await lockAuditChain(tx);
  const head = await readAuditHead(tx);
  let id = head ? head.id : 0;
  let prev = head ? head.hash : GENESIS_HASH;
  const ts = auditTimestamp(new Date());
  const out: { r: AuditRecord; detailsJson: string }[] = [];
  events.forEach((e, i) => {
    const detailsJson = texts[i]!;
    const rec: Omit<AuditRecord, 'hash'> = {
      id: ++id,
      ts,
      actor: e.actor,
      actor_kind: e.actorKind ?? (e.actor === 'system' ? 'system' : 'human'),
      on_behalf_of: e.onBehalfOf ?? null,
      action: e.action,
      request_id: e.requestId ?? null,
      provider: e.provider ?? null,
      resource_scope: e.resourceScope ?? null,
      outcome: e.outcome,
      details: JSON.parse(detailsJson) as Record<string, unknown>,
      prev_hash: prev,
    };
    const hash = hashAuditRecord(rec);
    prev = hash;
    out.push({ r: { ...rec, hash }, detailsJson });
  });
  // A few thousand rows per statement keeps the parameter count well under PostgreSQL's 65535.
  for (let i = 0; i < out.length; i += 4000) await insertAuditRecords(tx, out.slice(i, i + 4000));
  return out.map((o) => o.r);
}
