/**
 * The two deadlines of a PENDING request and what happens when one passes: past pending_expires_at
 * it EXPIRES; an ai_review request past escalate_at goes to human approvers. One implementation for
 * the sweeper (which finds overdue rows in batches) and for the deciding verbs (which find the row
 * they locked overdue because the sweeper has not run yet), so both leave the same rows and audit.
 */
import { SYSTEM_ACTOR } from '../actor.js';
import { insertApproval } from '../db/approvals-repo.js';
import type { Transaction } from '../db/client.js';
import { type RequestRow, updateRequest } from '../db/requests-repo.js';
import { newId } from '../ids.js';
import { assertTransition } from './states.js';
import { audit } from './tx.js';

export type Overdue = 'expire' | 'escalate';

const passed = (t: Date | null, now: Date) => t !== null && t.getTime() <= now.getTime();

/**
 * Which deadline of `r` has passed at `now` (expiry first, as the sweeper runs it first), or null.
 * Mirrors the sweeper's SQL conditions in requests-repo (`pending_expire`, `escalate`).
 */
export function overdueAt(r: RequestRow, now: Date): Overdue | null {
  if (r.state !== 'PENDING') return null;
  if (passed(r.pendingExpiresAt, now)) return 'expire';
  if (r.approverTier === 'ai_review' && passed(r.escalateAt, now)) return 'escalate';
  return null;
}

/** PENDING → EXPIRED on the locked row `r`, with its audit event; returns the new row. */
export async function expirePending(tx: Transaction, r: RequestRow, now: Date): Promise<RequestRow> {
  assertTransition(r.state, 'EXPIRED', r.id);
  const row = await updateRequest(
    tx,
    r.id,
    { state: 'EXPIRED', endedAt: now, endReason: 'pending_timeout', escalateAt: null },
    now,
  );
  await audit(tx, {
    actor: SYSTEM_ACTOR.identity,
    actorKind: 'system',
    action: 'request.expired',
    requestId: r.id,
    provider: r.provider,
    resourceScope: r.resourceScope,
    outcome: 'success',
    details: {
      reason: 'no decision before pending_expires_at',
      pending_expires_at: r.pendingExpiresAt?.toISOString(),
    },
  });
  return row;
}

/** The locked ai_review row `r` goes to the human tier: a system escalation and its audit event. */
export async function escalateToHumans(tx: Transaction, r: RequestRow, now: Date): Promise<RequestRow> {
  const row = await updateRequest(tx, r.id, { approverTier: 'human', escalateAt: null }, now);
  const comment = 'no AI review in time; escalated to human approvers';
  await insertApproval(tx, {
    id: newId('apr'),
    requestId: r.id,
    actorIdentity: SYSTEM_ACTOR.identity,
    actorKind: 'system',
    decision: 'escalate',
    comment,
    createdAt: now,
  });
  await audit(tx, {
    actor: SYSTEM_ACTOR.identity,
    actorKind: 'system',
    action: 'request.escalated',
    requestId: r.id,
    provider: r.provider,
    resourceScope: r.resourceScope,
    outcome: 'success',
    details: { from: 'ai_review', to: 'human', comment },
  });
  return row;
}

/**
 * Applies to the locked row `r` the transition the sweeper would make at `now`, if a deadline has
 * passed; returns the row as it is now and which transition ran (null: none was due).
 */
export async function settleOverdue(
  tx: Transaction,
  r: RequestRow,
  now: Date,
): Promise<{ row: RequestRow; applied: Overdue | null }> {
  const due = overdueAt(r, now);
  if (due === 'expire') return { row: await expirePending(tx, r, now), applied: due };
  if (due === 'escalate') return { row: await escalateToHumans(tx, r, now), applied: due };
  return { row: r, applied: null };
}
