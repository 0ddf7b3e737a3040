/**
 * The approval policy asked again under the row lock. authorizeDecision asked it before the lock,
 * showing the approvals of that moment; when others approved in between, a rule about them (say,
 * "the second approver is from another team") must judge the approvals this one really joins.
 * Pure evaluation and writes in `tx` only: nothing here may open a transaction of its own.
 */
import type { Actor } from '../actor.js';
import type { ApprovalRow } from '../db/approvals-repo.js';
import type { Transaction } from '../db/client.js';
import type { RequestRow } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { asPolicyError } from '../policy/policy-error.js';
import type { ApprovalDecision } from '../policy/types.js';
import type { DecisionAuthorization } from './decide.js';
import { Refusal } from './decision-lock.js';
import { approvalInput } from './may-decide.js';
import { decisionErrorBase, logPolicyError, policyErrorEvent } from './policy-failure.js';
import { decideAt } from './policy-input.js';
import { countedApprovals } from './quorum.js';
import { audit, auditRequest } from './tx.js';

const ids = (rows: readonly ApprovalRow[]) =>
  countedApprovals(rows)
    .map((r) => r.id)
    .join(',');

/**
 * undefined: nothing changed since the policy was asked (or no policy applies to this actor); a
 * decision: it allowed again; a Refusal: it denied or failed, with its audit row written in `tx`.
 */
export async function recheckApproval(
  deps: CoreDeps,
  tx: Transaction,
  actor: Actor,
  cur: RequestRow,
  approvals: readonly ApprovalRow[],
  auth: DecisionAuthorization,
  now: Date,
): Promise<ApprovalDecision | Refusal | undefined> {
  if (!auth.checked || ids(auth.checked.approvals) === ids(approvals)) return undefined;
  const trustTier = auth.checked.trustTier;
  const input = approvalInput(actor, cur, approvals, trustTier, now);
  let d: ApprovalDecision;
  try {
    d = deps.policies.current().approval(input, decideAt(now));
  } catch (e) {
    const err = asPolicyError(e);
    if (!err) throw e;
    const base = decisionErrorBase(actor, cur);
    await audit(tx, policyErrorEvent(err, 'approval', base, { attempted: 'approve' }));
    logPolicyError(deps, err, 'approval', { actor: actor.identity, request_id: cur.id });
    return new Refusal(err);
  }
  if (d.allow) return d;
  await auditRequest(tx, actor, cur, {
    action: 'approval.denied_by_policy',
    outcome: 'denied',
    details: { attempted: 'approve', reasons: d.reasons, decided_by: d.decidedBy, trust_tier: trustTier },
  });
  return new Refusal(
    new AppError('POLICY_DENIED', `you may not approve this request: ${d.reason}`, {
      details: { reasons: d.reasons, decided_by: d.decidedBy },
    }),
  );
}
