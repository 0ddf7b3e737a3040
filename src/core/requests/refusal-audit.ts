/**
 * A decision refused for who is deciding — their own party's request, a tier or approver group that
 * is not theirs, a party's second approval — is audited (ADR 0047): the caller is signed in and can
 * see the request, so the attempt belongs in the trail like a policy's denial does. Nothing else is
 * written beside it and the request row is untouched. A request the caller may not see stays a
 * silent NOT_FOUND, and state races (already decided, too late) are not refusals of the person.
 */
import type { Actor } from '../actor.js';
import type { Transaction } from '../db/client.js';
import type { RequestRow } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { type AppError, isAppError } from '../errors.js';
import type { DecisionVerb } from './decision-lock.js';
import { auditRequest, transact } from './tx.js';

export const DECISION_REFUSED = 'request.decision_refused';

/** Appends the refusal of `actor`'s `verb` on `row` in `tx` (the caller's transaction). */
export function auditRefusal(
  tx: Transaction,
  actor: Actor,
  row: Pick<RequestRow, 'id' | 'provider' | 'resourceScope'>,
  verb: DecisionVerb,
  err: AppError,
): Promise<void> {
  return auditRequest(tx, actor, row, {
    action: DECISION_REFUSED,
    outcome: 'denied',
    details: { attempted: verb, code: err.code, reason: err.message },
  });
}

/**
 * Runs `check`; if it throws an AppError, records the refusal in a transaction of its own (nothing
 * else written) and throws that same error. Returns normally when the check passes.
 */
export async function refusedAudited(
  deps: CoreDeps,
  actor: Actor,
  row: RequestRow,
  verb: DecisionVerb,
  check: () => AppError | undefined,
): Promise<void> {
  let err: AppError | undefined;
  try {
    err = check();
  } catch (e) {
    if (!isAppError(e)) throw e;
    err = e;
  }
  if (!err) return;
  await transact(deps, (tx) => auditRefusal(tx, actor, row, verb, err), [row.id]);
  throw err;
}
