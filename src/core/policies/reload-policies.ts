import type { Actor } from '../actor.js';
import { assertPolicyAdmin, type PolicyDeps } from './shared.js';

/** Re-reads the policy store now (admin only); the live set is swapped only if the new one compiles. */
export async function reloadPolicies(
  deps: PolicyDeps,
  actor: Actor,
  _input: unknown = {},
): Promise<{ policies_loaded: number }> {
  assertPolicyAdmin(actor, 'reload policies');
  return { policies_loaded: await deps.policies.reload() };
}
