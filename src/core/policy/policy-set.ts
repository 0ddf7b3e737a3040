/**
 * What the engines share about a set of policy sources: module naming, which module declares which
 * package and rules (for `decidedBy`), and building a candidate set for dry runs.
 */
import type { RegoModule } from './rego/api.js';
import type { PolicySource } from './types.js';

export type PolicyKind = 'eligibility' | 'approval';

/** The package each decision reads (`data.jitsudo.eligibility`, `data.jitsudo.approval`). */
export const PACKAGE_OF: Record<PolicyKind, readonly string[]> = {
  eligibility: ['jitsudo', 'eligibility'],
  approval: ['jitsudo', 'approval'],
};

/** The rules a decision reads from its package document. */
export const DECISION_RULES = [
  'allow',
  'reason',
  'reasons',
  'deny',
  'approver_tier',
  'max_total_duration_seconds',
  'approvals_required',
  'approver_groups',
  'step_up',
] as const;
export type DecisionRule = (typeof DECISION_RULES)[number];

export interface PackageRules {
  modules: string[];
  rules: Map<string, string[]>;
  defaults: Map<string, string[]>;
}

/** Per package: for each decision rule, the modules that define it (default rules apart). */
export interface RuleIndex {
  packages: Map<string, PackageRules>;
}

/** Module file name of a stored policy: its name, with `.rego` added like the original did. */
export const moduleName = (s: PolicySource): string => (s.name.endsWith('.rego') ? s.name : `${s.name}.rego`);

/** Sources as interpreter modules, each keeping its own syntax version. */
export function toModules(sources: readonly PolicySource[]): RegoModule[] {
  return sources.map((s) => ({
    name: moduleName(s),
    source: s.rego,
    ...(s.regoVersion ? { regoVersion: s.regoVersion } : {}),
  }));
}

const PACKAGE_RE = /^[ \t]*package[ \t]+([A-Za-z_][\w.]*)/m;
const RULE_RE = new RegExp(`^(default[ \\t]+)?(${DECISION_RULES.join('|')})\\b`, 'gm');

/**
 * A cheap textual index of rule heads, good enough to name the deciding module(s) in audit records
 * without asking the evaluator to trace. Rule heads start at column 0 in formatted Rego.
 */
export function indexRules(sources: readonly PolicySource[]): RuleIndex {
  const packages: RuleIndex['packages'] = new Map();
  for (const s of sources) {
    const pkg = PACKAGE_RE.exec(s.rego)?.[1];
    if (!pkg) continue;
    const entry: PackageRules = packages.get(pkg) ?? { modules: [], rules: new Map(), defaults: new Map() };
    entry.modules.push(moduleName(s));
    for (const m of s.rego.matchAll(RULE_RE)) {
      const bucket = m[1] ? entry.defaults : entry.rules;
      const list: string[] = bucket.get(m[2]!) ?? [];
      if (!list.includes(moduleName(s))) list.push(moduleName(s));
      bucket.set(m[2]!, list);
    }
    packages.set(pkg, entry);
  }
  return { packages };
}

/**
 * The live set with a candidate policy: `with` substitutes it by name (or adds it), `instead`
 * evaluates the candidate alone. Used by `policy eval` on a policy that is not saved yet.
 */
export function candidateSources(
  live: readonly PolicySource[],
  candidate: PolicySource,
  mode: 'with' | 'instead',
): PolicySource[] {
  if (mode === 'instead') return [candidate];
  return [...live.filter((s) => moduleName(s) !== moduleName(candidate)), candidate];
}
