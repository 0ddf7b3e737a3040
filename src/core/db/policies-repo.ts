/** SQL for the policy store: live rows in `policies`, every change also in `policy_revisions`. */
import { asc, eq, gt, or, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import { policies, policyRevisions } from './schema/index.js';

export type PolicyRow = typeof policies.$inferSelect;

export interface PolicyWrite {
  id: string;
  name: string;
  pkg: string;
  rego: string;
  regoVersion: 'v0' | 'v1';
  description: string;
  enabled: boolean;
  by: string;
  now: Date;
}

/** By id (`pol_…`) or by name; `forUpdate` locks the row. */
export async function findPolicy(
  exec: Executor,
  idOrName: string,
  forUpdate = false,
): Promise<PolicyRow | null> {
  const q = exec
    .select()
    .from(policies)
    .where(or(eq(policies.id, idOrName), eq(policies.name, idOrName)));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

/** Rows ordered by name, after `afterName` (pagination), up to `limit`. */
export async function listPolicyRows(
  exec: Executor,
  opts: { afterName?: string; limit?: number; enabledOnly?: boolean } = {},
): Promise<PolicyRow[]> {
  const conds = [
    opts.afterName !== undefined ? gt(policies.name, opts.afterName) : undefined,
    opts.enabledOnly ? eq(policies.enabled, true) : undefined,
  ].filter((c) => c !== undefined);
  const q = exec
    .select()
    .from(policies)
    .where(conds.length ? sql.join(conds, sql` and `) : undefined)
    .orderBy(asc(policies.name));
  return opts.limit ? q.limit(opts.limit) : q;
}

/** Inserts a new policy or replaces the named one (revision + 1), and records the revision. */
export async function upsertPolicyRow(
  exec: Executor,
  w: PolicyWrite,
  existing: PolicyRow | null,
): Promise<PolicyRow> {
  const revision = (existing?.revision ?? 0) + 1;
  const values = {
    package: w.pkg,
    rego: w.rego,
    regoVersion: w.regoVersion,
    description: w.description,
    enabled: w.enabled,
    revision,
    updatedAt: w.now,
    updatedBy: w.by,
  };
  const [row] = existing
    ? await exec.update(policies).set(values).where(eq(policies.id, existing.id)).returning()
    : await exec
        .insert(policies)
        .values({ id: w.id, name: w.name, createdAt: w.now, createdBy: w.by, ...values })
        .returning();
  await exec.insert(policyRevisions).values({
    policyId: row!.id,
    revision,
    name: row!.name,
    rego: w.rego,
    regoVersion: w.regoVersion,
    description: w.description,
    enabled: w.enabled,
    createdAt: w.now,
    createdBy: w.by,
  });
  return row!;
}

/** Deletes the live row and records a final `deleted` revision (history is kept). */
export async function deletePolicyRow(exec: Executor, row: PolicyRow, by: string, now: Date): Promise<void> {
  await exec.delete(policies).where(eq(policies.id, row.id));
  await exec.insert(policyRevisions).values({
    policyId: row.id,
    revision: row.revision + 1,
    name: row.name,
    rego: row.rego,
    regoVersion: row.regoVersion,
    description: row.description,
    enabled: false,
    deleted: true,
    createdAt: now,
    createdBy: by,
  });
}

/** Whether the store was ever written (seeding happens only into a store that never was). */
export async function policyStoreUsed(exec: Executor): Promise<boolean> {
  const [row] = await exec.select({ id: policyRevisions.policyId }).from(policyRevisions).limit(1);
  return row !== undefined;
}

/** A cheap fingerprint of the live set: replicas reload only when it changes. */
export async function policyFingerprint(exec: Executor): Promise<string> {
  const [row] = await exec
    .select({
      n: sql<string>`count(*)::text`,
      r: sql<string>`coalesce(sum(${policies.revision}), 0)::text`,
      u: sql<string>`coalesce(max(${policies.updatedAt})::text, '')`,
    })
    .from(policies);
  return `${row?.n}/${row?.r}/${row?.u}`;
}

/** Arbitrary constant: serializes policy store writes (seeding, apply, delete) across replicas. */
const POLICY_LOCK = 7_244_315_003;

/** Takes the policy store's write lock until the transaction ends. */
export async function lockPolicyStore(exec: Executor): Promise<void> {
  await exec.execute(sql`select pg_advisory_xact_lock(${POLICY_LOCK})`);
}
