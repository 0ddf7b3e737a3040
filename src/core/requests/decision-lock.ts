/**
 * The locked step of every deciding verb (approve, deny, escalate). The clock is read under the row
 * lock: a request whose deadline passed before the sweeper got to it is given the sweeper's
 * transition right there, in the same transaction, and a decision that came too late is refused
 * (CONFLICT) after that transition commits — never accepted because the sweeper was slow.
 */
import type { Actor } from '../actor.js';
import type { Transaction } from '../db/client.js';
import { lockRequest, type RequestRow } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError, isAppError } from '../errors.js';
import { assertMayDecide, decidableTiers } from './access.js';
import { type Overdue, settleOverdue } from './pending-deadlines.js';
import { auditRefusal } from './refusal-audit.js';
import { transact } from './tx.js';

export type DecisionVerb = 'approve' | 'deny' | 'escalate';

/**
 * What a locked step returns to refuse the decision while keeping what the transaction wrote (the
 * sweeper's transition, an audit row of the refusal): a throw would roll those back.
 */
export class Refusal {
  constructor(readonly error: AppError) {}
}

/**
 * A caller's own step under the row lock, in the decision's transaction, before anything is written
 * (a step-up link is consumed here: ADR 0050). A Refusal keeps what it wrote (its audit row).
 */
export type LockedStep = (tx: Transaction, cur: RequestRow, now: Date) => Promise<Refusal | undefined>;

/** Options of the deciding verbs that only core callers pass (never a surface's input). */
export interface DecideOptions {
  locked?: LockedStep;
}

const DONE: Readonly<Record<DecisionVerb, string>> = {
  approve: 'approved',
  deny: 'denied',
  escalate: 'escalated',
};

/** Refuses a row that is not (or no longer) open to `verb`, before anything is written. */
function assertOpen(cur: RequestRow, verb: DecisionVerb): void {
  if (verb === 'escalate') {
    if (cur.state !== 'PENDING' || cur.approverTier !== 'ai_review')
      throw new AppError(
        'CONFLICT',
        `request ${cur.id} is ${cur.state} with approver tier ${cur.approverTier}; only PENDING ai_review requests can be escalated`,
        { details: { state: cur.state, approver_tier: cur.approverTier } },
      );
    return;
  }
  if (cur.state !== 'PENDING')
    throw new AppError('CONFLICT', `request ${cur.id} is already ${cur.state}`, {
      details: { state: cur.state },
    });
}

/** The refusal of a decision that came after a deadline `applied` to `before` (null: not late). */
function lateRefusal(
  actor: Actor,
  verb: DecisionVerb,
  before: RequestRow,
  applied: Overdue | null,
): AppError | undefined {
  if (applied === 'expire') {
    const at = before.pendingExpiresAt!.toISOString();
    return new AppError(
      'CONFLICT',
      `request ${before.id} expired at ${at} without a decision; it can no longer be ${DONE[verb]}`,
      { details: { state: 'EXPIRED', pending_expires_at: at } },
    );
  }
  // A person still decides an escalated request (the human tier is theirs); an AI reviewer's time
  // was up, and an escalation has nothing left to do.
  if (applied === 'escalate' && (verb === 'escalate' || !decidableTiers(actor).includes('human'))) {
    const at = before.escalateAt!.toISOString();
    return new AppError(
      'CONFLICT',
      `the AI review window of request ${before.id} closed at ${at}; it has been escalated to human approvers` +
        (verb === 'escalate' ? ' already' : ` and can no longer be ${DONE[verb]} by an AI reviewer`),
      { details: { state: 'PENDING', approver_tier: 'human', escalate_at: at } },
    );
  }
  return undefined;
}

/**
 * Approve/deny only: the settled row must still be this actor's to decide, on the tier the approval
 * policy was evaluated for (`checkedTier`; null when none was).
 */
async function changedRefusal(
  tx: Transaction,
  actor: Actor,
  verb: DecisionVerb,
  cur: RequestRow,
  checkedTier: RequestRow['approverTier'] | null,
): Promise<AppError | undefined> {
  if (verb === 'escalate') return undefined;
  try {
    assertMayDecide(actor, cur, verb);
  } catch (e) {
    // A refusal of who is deciding, as in authorizeDecision: audited, here with the settled row.
    if (!isAppError(e)) throw e;
    await auditRefusal(tx, actor, cur, verb, e);
    return e;
  }
  if (cur.approverTier === checkedTier) return undefined;
  return new AppError(
    'CONFLICT',
    `request ${cur.id} moved to approver tier ${cur.approverTier} while you were deciding; decide it again`,
    { details: { state: cur.state, approver_tier: cur.approverTier } },
  );
}

/**
 * Locks request `id`, settles any passed deadline, and runs `fn` (the decision's writes) on the
 * settled row with the clock read under the lock; invariant: no decision is recorded on a request
 * whose deadline had passed for it, and the sweeper's transition is never rolled back by a refusal.
 */
export async function decideUnderLock<T>(
  deps: CoreDeps,
  actor: Actor,
  id: string,
  verb: DecisionVerb,
  checkedTier: RequestRow['approverTier'] | null,
  fn: (tx: Transaction, cur: RequestRow, now: Date) => Promise<T | Refusal>,
): Promise<T> {
  const out = await transact<{ value: T } | { refused: AppError }>(
    deps,
    async (tx) => {
      const locked = (await lockRequest(tx, id))!;
      assertOpen(locked, verb);
      const now = deps.now();
      const { row: cur, applied } = await settleOverdue(tx, locked, now);
      const refused =
        lateRefusal(actor, verb, locked, applied) ??
        (await changedRefusal(tx, actor, verb, cur, checkedTier));
      // Returned, not thrown: a throw would roll back the transition settleOverdue just wrote.
      if (refused) return { refused };
      const value = await fn(tx, cur, now);
      return value instanceof Refusal ? { refused: value.error } : { value };
    },
    [id],
  );
  if ('refused' in out) throw out.refused;
  return out.value;
}
