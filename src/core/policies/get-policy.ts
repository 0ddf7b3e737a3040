import { z } from 'zod';
import type { Actor } from '../actor.js';
import { findPolicy } from '../db/policies-repo.js';
import { AppError } from '../errors.js';
import { invalid } from '../principals/access.js';
import { type PolicyDeps, PolicyName, type PolicyView, policyView } from './shared.js';

export const GetPolicyInput = z.object({ id: PolicyName }).strict();

/** One policy with its Rego source, by id or name; any authenticated actor may read policies. */
export async function getPolicy(deps: PolicyDeps, _actor: Actor, input: unknown): Promise<PolicyView> {
  const r = GetPolicyInput.safeParse(input);
  if (!r.success) throw invalid(r.error);
  const row = await findPolicy(deps.db, r.data.id);
  if (!row) throw new AppError('NOT_FOUND', `policy ${r.data.id} not found`);
  return policyView(row, true);
}
