/**
 * Turning a package's result document into a broker decision. Shared by both engines, so the rego
 * interpreter and an OPA-compiled wasm bundle decide identically on identical documents.
 */
import type { PolicyKind, RuleIndex } from './policy-set.js';
import type { ApprovalDecision, ApproverTier, Decision } from './types.js';

/** Reads one rule's value from the package document (plain JSON data; undefined = not defined). */
export type RuleReader = (rule: string) => unknown;

const TIERS: ReadonlySet<string> = new Set<ApproverTier>(['auto', 'ai_review', 'human']);

const DENIED: Record<PolicyKind, string> = {
  eligibility: 'policy denied the request',
  approval: 'approval policy denied',
};

/** Strings from `reasons`/`deny`: a set (a sorted array once serialized), an array, or object keys. */
function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (v !== null && typeof v === 'object') return Object.keys(v);
  return typeof v === 'string' ? [v] : [];
}

/** Who decided: the modules that define the rules that produced the outcome (textual, cheap). */
function decidedBy(index: RuleIndex | undefined, pkg: string, read: RuleReader, allow: unknown): string[] {
  const entry = index?.packages.get(pkg);
  if (!entry || allow === undefined) return [];
  const rulesOf = (r: string) => entry.rules.get(r) ?? [];
  const defaultsOf = (r: string) => entry.defaults.get(r) ?? [];
  let out: string[];
  if (allow === true) {
    out = rulesOf('allow');
    if (out.length === 0) out = defaultsOf('allow');
  } else {
    out = ['reason', 'reasons', 'deny'].filter((r) => read(r) !== undefined).flatMap(rulesOf);
    if (out.length === 0) out = [...defaultsOf('allow'), ...rulesOf('allow')];
  }
  if (typeof read('approver_tier') === 'string') out = [...out, ...rulesOf('approver_tier')];
  return [...new Set(out)];
}

/** The decision for one package document; never throws, and anything but `allow == true` denies. */
export function toDecision(kind: PolicyKind, read: RuleReader, index?: RuleIndex): Decision {
  const allowValue = read('allow');
  const allow = allowValue === true;
  const reason = read('reason');
  const reasons = [
    ...new Set([
      ...(typeof reason === 'string' && reason !== '' ? [reason] : []),
      ...strings(read('reasons')),
      ...strings(read('deny')),
    ]),
  ];
  let text: string;
  if (typeof reason === 'string' && reason !== '') text = reason;
  else if (allow) text = 'allowed by policy';
  else if (reasons.length > 0) text = reasons.join('; ');
  else if (allowValue === undefined) text = 'no policy result';
  else if (typeof allowValue !== 'boolean') text = `${DENIED[kind]} (allow is not a boolean)`;
  else text = DENIED[kind];
  return {
    allow,
    reason: text,
    reasons,
    decidedBy: decidedBy(index, `jitsudo.${kind}`, read, allowValue),
    defined: allowValue !== undefined,
  };
}

/** Approval adds the routing tier: exactly `auto`, `ai_review` or `human`; anything else is `human`. */
export function toApprovalDecision(read: RuleReader, index?: RuleIndex): ApprovalDecision {
  const tier = read('approver_tier');
  return {
    ...toDecision('approval', read, index),
    approverTier: typeof tier === 'string' && TIERS.has(tier) ? (tier as ApproverTier) : 'human',
  };
}

/** No module declares the package: default-deny (and `human` routing for approval). */
export function missingPackage(kind: 'eligibility'): Decision;
export function missingPackage(kind: 'approval'): ApprovalDecision;
export function missingPackage(kind: PolicyKind): Decision | ApprovalDecision {
  const base: Decision = {
    allow: false,
    reason: `no ${kind} policy is loaded (default deny)`,
    reasons: [],
    decidedBy: [],
    defined: false,
  };
  return kind === 'approval' ? { ...base, approverTier: 'human' } : base;
}
