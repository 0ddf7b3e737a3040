import { z } from 'zod';
import type { Actor } from '../actor.js';
import { appendAudit } from '../audit/append.js';
import { findPolicy, listPolicyRows, lockPolicyStore, upsertPolicyRow } from '../db/policies-repo.js';
import { withTx } from '../db/tx.js';
import { newId } from '../ids.js';
import { invalid } from '../principals/access.js';
import { safeText } from '../validation/text.js';
import {
  assertPolicyAdmin,
  assertStoreEngine,
  checkSet,
  compileSet,
  type PolicyDeps,
  PolicyName,
  type PolicyView,
  packageOf,
  policyView,
  RegoSource,
  RegoVersion,
  sha256,
  toSource,
} from './shared.js';

export const ApplyPolicyInput = z
  .object({
    name: PolicyName,
    rego: RegoSource,
    description: safeText(1024).optional(),
    enabled: z.boolean().default(true),
    rego_version: RegoVersion.optional(),
  })
  .strict();
export type ApplyPolicyInput = z.input<typeof ApplyPolicyInput>;

/**
 * Creates or replaces a policy by name (admin only) as a new revision. The whole enabled set that
 * would result is compiled first — a policy that does not compile, or breaks the set, is refused and
 * nothing is written. Audited as policy.applied with the rego's SHA-256 (not its text). Applying
 * identical content is a no-op (no revision, no audit row).
 */
export async function applyPolicy(
  deps: PolicyDeps,
  actor: Actor,
  input: unknown,
): Promise<PolicyView & { unchanged: boolean }> {
  assertPolicyAdmin(actor, 'apply policies');
  const r = ApplyPolicyInput.safeParse(input);
  if (!r.success) throw invalid(r.error);
  assertStoreEngine(deps.config);
  const p = r.data;
  const regoVersion = p.rego_version ?? deps.config.policy.rego_version;
  const now = deps.now?.() ?? new Date();
  const result = await withTx(deps.db, async (tx) => {
    await lockPolicyStore(tx);
    const existing = await findPolicy(tx, p.name, true);
    const description = p.description ?? existing?.description ?? '';
    if (
      existing &&
      existing.rego === p.rego &&
      existing.enabled === p.enabled &&
      existing.description === description &&
      existing.regoVersion === regoVersion
    )
      return { ...policyView(existing, true), unchanged: true };
    const others = (await listPolicyRows(tx, { enabledOnly: true })).filter((x) => x.name !== p.name);
    const candidate = { name: p.name, rego: p.rego, regoVersion };
    // The candidate must compile with the set even when disabled (so enabling it later cannot fail
    // on syntax); and when disabled, the set without it must still compile. The set that goes live
    // must also evaluate on the trial inputs (a conflict there would fail those decisions).
    if (p.enabled) checkSet([...others.map(toSource), candidate], deps.config);
    else compileSet([...others.map(toSource), candidate], deps.config);
    if (!p.enabled && existing?.enabled) checkSet(others.map(toSource), deps.config);
    const row = await upsertPolicyRow(
      tx,
      {
        id: newId('pol'),
        name: p.name,
        pkg: packageOf(p.rego),
        rego: p.rego,
        regoVersion,
        description,
        enabled: p.enabled,
        by: actor.identity,
        now,
      },
      existing,
    );
    await appendAudit(tx, {
      actor: actor.identity,
      actorKind: actor.kind,
      action: 'policy.applied',
      outcome: 'success',
      details: {
        policy_id: row.id,
        name: row.name,
        revision: row.revision,
        sha256: sha256(row.rego),
        enabled: row.enabled,
        package: row.package,
        created: existing === null,
      },
    });
    return { ...policyView(row, true), unchanged: false };
  });
  if (!result.unchanged) await deps.policies.reload();
  return result;
}
