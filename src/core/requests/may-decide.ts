/** Whether the approval policy lets an actor decide a request (no audit: used to decide visibility). */
import type { Actor } from '../actor.js';
import type { ApprovalRow } from '../db/approvals-repo.js';
import { type RequestRow, readTrustTier } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { asPolicyError } from '../policy/policy-error.js';
import type { PolicyInput } from '../policy/types.js';
import { decideAt, policyInput, requestInput, userInput } from './policy-input.js';
import { policyApprovals } from './quorum.js';

/**
 * The approval policy's input for `actor` (at trust tier `tier`) deciding `row`: the requester as
 * `context.requester`, the approvals so far and the quorum (ADR 0044). Pure: safe under a row lock.
 */
export function approvalInput(
  actor: Actor,
  row: RequestRow,
  approvals: readonly ApprovalRow[],
  tier: number,
  now: Date,
): PolicyInput {
  const input = policyInput(userInput(actor), requestInput(row), tier, now, {
    email: row.requesterIdentity,
    groups: row.requesterGroups,
    kind: row.requesterKind,
  });
  input.context.approvals = policyApprovals(approvals);
  input.context.approvals_required = row.approvalsRequired;
  return input;
}

/**
 * The approval policy's input for `actor` deciding `row`, and the actor's trust tier it carries.
 */
export async function approvalPolicyInput(
  deps: CoreDeps,
  actor: Actor,
  row: RequestRow,
  approvals: readonly ApprovalRow[],
  now: Date,
): Promise<{ input: PolicyInput; tier: number }> {
  const tier = await readTrustTier(deps.db, actor);
  return { input: approvalInput(actor, row, approvals, tier, now), tier };
}

/**
 * True when `jitsudo.approval.allow` holds for `actor` as approver of `row`. A POLICY_ERROR is
 * thrown (fail closed, and visible as such rather than as a 404); any other failure reads as false.
 */
export async function approvalAllows(
  deps: CoreDeps,
  actor: Actor,
  row: RequestRow,
  approvals: readonly ApprovalRow[],
): Promise<boolean> {
  const now = deps.now();
  const { input } = await approvalPolicyInput(deps, actor, row, approvals, now);
  try {
    return deps.policies.current().approval(input, decideAt(now)).allow;
  } catch (e) {
    if (asPolicyError(e)) throw e;
    return false;
  }
}
