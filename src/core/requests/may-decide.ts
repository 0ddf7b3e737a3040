/** Whether the approval policy lets an actor decide a request (no audit: used to decide visibility). */
import type { Actor } from '../actor.js';
import { type RequestRow, readTrustTier } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { decideAt, policyInput, requestInput, userInput } from './policy-input.js';

/** True when `jitsudo.approval.allow` holds for `actor` as approver of `row`; false if the policy errs. */
export async function approvalAllows(deps: CoreDeps, actor: Actor, row: RequestRow): Promise<boolean> {
  const now = deps.now();
  const tier = await readTrustTier(deps.db, actor.identity);
  const input = policyInput(userInput(actor), requestInput(row), tier, now, {
    email: row.requesterIdentity,
    groups: row.requesterGroups,
    kind: row.requesterKind,
  });
  try {
    return deps.policies.current().approval(input, decideAt(now)).allow;
  } catch {
    return false;
  }
}
