import { z } from 'zod';
import type { Actor } from '../actor.js';
import { appendAudit } from '../audit/append.js';
import { deletePolicyRow, findPolicy, listPolicyRows, lockPolicyStore } from '../db/policies-repo.js';
import { withTx } from '../db/tx.js';
import { AppError } from '../errors.js';
import { invalid } from '../principals/access.js';
import {
  assertPolicyAdmin,
  assertStoreEngine,
  checkSet,
  type PolicyDeps,
  PolicyName,
  sha256,
  toSource,
} from './shared.js';

export const DeletePolicyInput = z.object({ id: PolicyName }).strict();

/**
 * Deletes a policy by id or name (admin only); its history stays in policy_revisions. Refused if the
 * remaining enabled set would not compile. Audited as policy.deleted in the same transaction.
 */
export async function deletePolicy(
  deps: PolicyDeps,
  actor: Actor,
  input: unknown,
): Promise<{ deleted: string; name: string; revision: number }> {
  assertPolicyAdmin(actor, 'delete policies');
  const r = DeletePolicyInput.safeParse(input);
  if (!r.success) throw invalid(r.error);
  assertStoreEngine(deps.config);
  const now = deps.now?.() ?? new Date();
  const out = await withTx(deps.db, async (tx) => {
    await lockPolicyStore(tx);
    const row = await findPolicy(tx, r.data.id, true);
    if (!row) throw new AppError('NOT_FOUND', `policy ${r.data.id} not found`);
    if (row.enabled) {
      const rest = (await listPolicyRows(tx, { enabledOnly: true })).filter((x) => x.id !== row.id);
      checkSet(rest.map(toSource), deps.config);
    }
    await deletePolicyRow(tx, row, actor.identity, now);
    await appendAudit(tx, {
      actor: actor.identity,
      actorKind: actor.kind,
      action: 'policy.deleted',
      outcome: 'success',
      details: { policy_id: row.id, name: row.name, revision: row.revision + 1, sha256: sha256(row.rego) },
    });
    return { deleted: row.id, name: row.name, revision: row.revision + 1 };
  });
  await deps.policies.reload();
  return out;
}
