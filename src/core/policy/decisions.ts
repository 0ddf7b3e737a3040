/**
 * Turning a package's result document into a broker decision. Shared by both engines, so the rego
 * interpreter and an OPA-compiled wasm bundle decide identically on identical documents.
 *
 * This runs on every decision: no closures per call (under tsx every function expression costs a
 * `__name` call) and no work beyond reading the few rules the broker uses.
 */
import type { PackageRules, PolicyKind, RuleIndex } from './policy-set.js';
import { quorumOf, stepUpOf } from './quorum.js';
import type { ApprovalDecision, ApproverTier, Decision } from './types.js';

/** The rules a decision reads, as plain JSON data (`undefined` = the rule is not defined). */
export interface DecisionFields {
  allow: unknown;
  reason: unknown;
  reasons: unknown;
  deny: unknown;
  approver_tier: unknown;
  /** Optional ceiling on a grant's total time, extensions included (ADR 0045). */
  max_total_duration_seconds: unknown;
  /** N of M approvals: how many distinct approvers (ADR 0044). */
  approvals_required: unknown;
  /** The groups an approver must be in (one of) to decide. */
  approver_groups: unknown;
  /** An approval needs a fresh IdP sign-in (ADR 0050). */
  step_up: unknown;
}

const TIERS: ReadonlySet<string> = new Set<ApproverTier>(['auto', 'ai_review', 'human']);

const DENIED: Record<PolicyKind, string> = {
  eligibility: 'policy denied the request',
  approval: 'approval policy denied',
};

const NONE: readonly string[] = [];

/** Adds the strings of `reasons`/`deny`: a set (a sorted array once serialized), an array, or object keys. */
function addStrings(out: string[], v: unknown): void {
  if (typeof v === 'string') {
    if (!out.includes(v)) out.push(v);
  } else if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'string' && !out.includes(x)) out.push(x);
  } else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) if (!out.includes(k)) out.push(k);
  }
}

function addModules(out: string[], list: readonly string[] | undefined): void {
  if (list) for (const m of list) if (!out.includes(m)) out.push(m);
}

/** Who decided: the modules that define the rules that produced the outcome (textual, cheap). */
function decidedBy(entry: PackageRules | undefined, f: DecisionFields): string[] {
  if (!entry || f.allow === undefined) return [];
  const out: string[] = [];
  if (f.allow === true) {
    addModules(out, entry.rules.get('allow') ?? entry.defaults.get('allow'));
  } else {
    if (f.reason !== undefined) addModules(out, entry.rules.get('reason'));
    if (f.reasons !== undefined) addModules(out, entry.rules.get('reasons'));
    if (f.deny !== undefined) addModules(out, entry.rules.get('deny'));
    if (out.length === 0) {
      addModules(out, entry.defaults.get('allow'));
      addModules(out, entry.rules.get('allow'));
    }
  }
  if (typeof f.approver_tier === 'string') addModules(out, entry.rules.get('approver_tier'));
  return out;
}

/** A ceiling is a positive whole number of seconds; anything else is ignored (not a policy error). */
function ceilingOf(v: unknown): { maxTotalDurationSeconds?: number } {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? { maxTotalDurationSeconds: v } : {};
}

/** The decision for one package document; never throws, and anything but `allow == true` denies. */
export function toDecision(kind: PolicyKind, f: DecisionFields, index?: RuleIndex): Decision {
  const allow = f.allow === true;
  const reasons: string[] = [];
  const reason = typeof f.reason === 'string' && f.reason !== '' ? f.reason : undefined;
  if (reason !== undefined) reasons.push(reason);
  addStrings(reasons, f.reasons);
  addStrings(reasons, f.deny);
  let text: string;
  if (reason !== undefined) text = reason;
  else if (allow) text = 'allowed by policy';
  else if (reasons.length > 0) text = reasons.join('; ');
  else if (f.allow === undefined) text = 'no policy result';
  else if (typeof f.allow !== 'boolean') text = `${DENIED[kind]} (allow is not a boolean)`;
  else text = DENIED[kind];
  return {
    allow,
    reason: text,
    reasons,
    decidedBy: decidedBy(index?.packages.get(`jitsudo.${kind}`), f),
    defined: f.allow !== undefined,
    ...ceilingOf(f.max_total_duration_seconds),
  };
}

/**
 * Approval adds the routing tier (exactly `auto`, `ai_review` or `human`; anything else is `human`)
 * and the quorum (quorum.ts). A quorum the broker cannot use throws POLICY_ERROR: fail closed.
 */
export function toApprovalDecision(f: DecisionFields, index?: RuleIndex): ApprovalDecision {
  const d = toDecision('approval', f, index) as ApprovalDecision;
  const tier = f.approver_tier;
  d.approverTier = typeof tier === 'string' && TIERS.has(tier) ? (tier as ApproverTier) : 'human';
  const q = quorumOf(f.approvals_required, f.approver_groups, index);
  d.approvalsRequired = q.approvalsRequired;
  d.approverGroups = q.approverGroups;
  d.stepUp = stepUpOf(f.step_up, index);
  return d;
}

/** Reads the decision rules out of a plain JSON package document (what wasm and dry runs give). */
export function fieldsOf(doc: unknown): DecisionFields {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    return {
      allow: undefined,
      reason: undefined,
      reasons: undefined,
      deny: undefined,
      approver_tier: undefined,
      max_total_duration_seconds: undefined,
      approvals_required: undefined,
      approver_groups: undefined,
      step_up: undefined,
    };
  const d = doc as Record<string, unknown>;
  return {
    allow: d.allow,
    reason: d.reason,
    reasons: d.reasons,
    deny: d.deny,
    approver_tier: d.approver_tier,
    max_total_duration_seconds: d.max_total_duration_seconds,
    approvals_required: d.approvals_required,
    approver_groups: d.approver_groups,
    step_up: d.step_up,
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
    decidedBy: [...NONE],
    defined: false,
  };
  return kind === 'approval' ? { ...base, approverTier: 'human' } : base;
}
