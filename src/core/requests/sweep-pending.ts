/**
 * Pending-request housekeeping for the sweeper: PENDING requests past their TTL expire, and
 * ai_review requests no reviewer picked up in time are escalated to humans. No provider is involved,
 * so each batch is locked (SKIP LOCKED) and finished in one transaction. The transitions themselves
 * are in pending-deadlines.ts, shared with the deciding verbs that meet an overdue row first.
 */
import { lockDue } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { escalateToHumans, expirePending } from './pending-deadlines.js';
import { transact } from './tx.js';

/** Expires up to `limit` PENDING requests past pending_expires_at; returns how many. */
export async function expireStalePending(deps: CoreDeps, limit: number): Promise<number> {
  return transact(
    deps,
    async (tx) => {
      const now = deps.now();
      const rows = await lockDue(tx, 'pending_expire', now, limit);
      for (const r of rows) await expirePending(tx, r, now);
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
      for (const r of rows) await escalateToHumans(tx, r, now);
      return rows.length;
    },
    ['sweep:escalate'],
  );
}
