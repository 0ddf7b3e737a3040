/** Whether the approval policy lets an actor decide a request (no audit: used to decide visibility). */
import type { Actor } from '../actor.js';
import { type RequestRow, readTrustTier } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { asPolicyError } from '../policy/policy-error.js';
import type { PolicyInput } from '../policy/types.js';
import { decideAt, policyInput, requestInput, userInput } from './policy-input.js';

/**
 * The approval policy's input for `actor` deciding `row` (the requester as `context.requester`), and
 * the actor's trust tier it carries.
 */
export async function approvalPolicyInput(
  deps: CoreDeps,
  actor: Actor,
  row: RequestRow,
  now: Date,
): Promise<{ input: PolicyInput; tier: number }> {
  const tier = await readTrustTier(deps.db, actor);
  const input = policyInput(userInput(actor), requestInput(row), tier, now, {
    email: row.requesterIdentity,
    groups: row.requesterGroups,
    kind: row.requesterKind,
  });
  return { input, tier };
}

/**
 * True when `jitsudo.approval.allow` holds for `actor` as approver of `row`. A POLICY_ERROR is
 * thrown (fail closed, and visible as such rather than as a 404); any other failure reads as false.
 */
export async function approvalAllows(deps: CoreDeps, actor: Actor, row: RequestRow): Promise<boolean> {
  const now = deps.now();
  const { input } = await approvalPolicyInput(deps, actor, row, now);
  try {
    return deps.policies.current().approval(input, decideAt(now)).allow;
  } catch (e) {
    if (asPolicyError(e)) throw e;
    return false;
  }
}
