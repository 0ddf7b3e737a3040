/**
 * Pending-request housekeeping for the sweeper: PENDING requests past their TTL expire, and
 * ai_review requests no reviewer picked up in time are escalated to humans. No provider is involved,
 * so each batch is locked (SKIP LOCKED) and finished in one transaction.
 */
import { SYSTEM_ACTOR } from '../actor.js';
import { insertApproval } from '../db/approvals-repo.js';
import { lockDue, updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { newId } from '../ids.js';
import { assertTransition } from './states.js';
import { audit, transact } from './tx.js';

/** Expires up to `limit` PENDING requests past pending_expires_at; returns how many. */
export async function expireStalePending(deps: CoreDeps, limit: number): Promise<number> {
  return transact(
    deps,
    async (tx) => {
      const now = deps.now();
      const rows = await lockDue(tx, 'pending_expire', now, limit);
      for (const r of rows) {
        assertTransition(r.state, 'EXPIRED', r.id);
        await updateRequest(
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
      }
      return rows.length;
    },
    ['sweep:pending_expire'],
  );
}

/** Escalates up to `limit` ai_review requests past escalate_at to the human tier; returns how many. */
export async function escalateOverdueReviews(deps: CoreDeps, limit: number): Promise<number> {
  return transact(
    deps,
    async (tx) => {
      const now = deps.now();
      const rows = await lockDue(tx, 'escalate', now, limit);
      for (const r of rows) {
        await updateRequest(tx, r.id, { approverTier: 'human', escalateAt: null }, now);
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
      }
      return rows.length;
    },
    ['sweep:escalate'],
  );
}
