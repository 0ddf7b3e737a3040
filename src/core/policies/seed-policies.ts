import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { appendAudit } from '../audit/append.js';
import type { Executor } from '../db/client.js';
import { lockPolicyStore, policyStoreUsed, upsertPolicyRow } from '../db/policies-repo.js';
import { withTx } from '../db/tx.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import type { PolicySource } from '../policy/types.js';
import { compileSet, type PolicyDeps, packageOf, sha256 } from './shared.js';

/** Every `.rego` file under `dir`, named by its relative path with `/` → `.` (`eligibility/base.rego` → `eligibility.base`). */
export function readPolicyDir(dir: string): PolicySource[] {
  const walk = (d: string): string[] =>
    readdirSync(d)
      .sort()
      .flatMap((name) => {
        const p = join(d, name);
        return statSync(p).isDirectory() ? walk(p) : p.endsWith('.rego') ? [p] : [];
      });
  let files: string[];
  try {
    files = walk(dir);
  } catch (e) {
    throw new AppError('VALIDATION', `cannot read policy directory ${dir}`, { cause: e });
  }
  return files.map((f) => ({
    name: relative(dir, f)
      .replace(/\.rego$/, '')
      .split(/[\\/]/)
      .join('.'),
    rego: readFileSync(f, 'utf8'),
  }));
}

/**
 * Seeds the store from `dir` only if it was never written (so deleting every policy stays deleted
 * across restarts); one transaction under the store lock, so concurrent replicas seed once. Each
 * seeded policy is audited as policy.applied by `system`. Returns how many were seeded.
 */
export async function seedPolicies(
  deps: { db: Executor; config: PolicyDeps['config']; now?: () => Date },
  dir: string,
): Promise<number> {
  // Every start after the first finds the store written: skip reading and compiling the seed set
  // (the store's own set is compiled next anyway). Checked again under the lock below.
  if (await policyStoreUsed(deps.db)) return 0;
  const sources = readPolicyDir(dir);
  if (sources.length === 0) return 0;
  compileSet(sources, deps.config);
  const now = deps.now?.() ?? new Date();
  return withTx(deps.db, async (tx) => {
    await lockPolicyStore(tx);
    if (await policyStoreUsed(tx)) return 0;
    for (const s of sources) {
      const row = await upsertPolicyRow(
        tx,
        {
          id: newId('pol'),
          name: s.name,
          pkg: packageOf(s.rego),
          rego: s.rego,
          regoVersion: deps.config.policy.rego_version,
          description: `seeded from ${relative(process.cwd(), dir) || dir}`,
          enabled: true,
          by: 'system',
          now,
        },
        null,
      );
      await appendAudit(tx, {
        actor: 'system',
        actorKind: 'system',
        action: 'policy.applied',
        outcome: 'success',
        details: { policy_id: row.id, name: row.name, revision: 1, sha256: sha256(s.rego), seeded: true },
      });
    }
    return sources.length;
  });
}
