/**
 * Dry-run evaluation for `jitsudo policy eval`: the decision plus the whole package document, on
 * the live set or on a candidate policy that is not saved yet.
 */
import { AppError } from '../errors.js';
import { fieldsOf, toApprovalDecision, toDecision } from './decisions.js';
import { type InspectablePolicySet, loadRegoPolicySet, type RegoLoadOptions } from './engine-rego.js';
import { candidateSources, indexRules, type PolicyKind } from './policy-set.js';
import type { ApproverTier, DecideOptions, Decision, PolicySource } from './types.js';

/** Evaluate a candidate: `with` = the live set with it substituted by name, `instead` = it alone. */
export interface CandidatePolicy {
  live: readonly PolicySource[];
  candidate: PolicySource;
  mode: 'with' | 'instead';
  load?: RegoLoadOptions;
}

export interface PolicyEvalResult {
  package: string;
  allow: boolean;
  reason: string;
  /** Only for the approval package. */
  approverTier?: ApproverTier;
  decision: Decision;
  /** The full package document (sets as sorted arrays); undefined when nothing defines it. */
  result: unknown;
  /** The same document as exact JSON text (`null` when undefined). */
  resultJson: string;
}

/** `eligibility`, `approval`, `jitsudo.approval` or `data.jitsudo.approval` → path segments. */
function packagePath(pkg: string): string[] {
  if (pkg === 'eligibility' || pkg === 'approval') return ['jitsudo', pkg];
  const parts = pkg.replace(/^data\./, '').split('.');
  if (parts.some((p) => !/^[A-Za-z_]\w*$/.test(p)))
    throw new AppError('VALIDATION', `not a package path: ${JSON.stringify(pkg)}`);
  return parts;
}

/** Evaluates one package for `input` (passed verbatim) without side effects; compile errors are VALIDATION. */
export function evaluatePolicyDocument(
  set: InspectablePolicySet | CandidatePolicy,
  pkg: string,
  input: unknown,
  opts: DecideOptions = {},
): PolicyEvalResult {
  let index: ReturnType<typeof indexRules> | undefined;
  if ('candidate' in set) {
    const sources = candidateSources(set.live, set.candidate, set.mode);
    index = indexRules(sources);
    set = loadRegoPolicySet(sources, set.load);
  } else if (set.engine === 'rego' && 'sources' in set) {
    index = indexRules((set as { sources: PolicySource[] }).sources);
  }
  const path = packagePath(pkg);
  const doc = set.document(path, input, opts);
  const value = doc?.value;
  const fields = fieldsOf(value);
  const dotted = path.join('.');
  const kind: PolicyKind = dotted === 'jitsudo.approval' ? 'approval' : 'eligibility';
  const approval = kind === 'approval' ? toApprovalDecision(fields, index) : undefined;
  const decision = approval ?? toDecision(kind, fields, index);
  return {
    package: dotted,
    allow: decision.allow,
    reason: decision.reason,
    ...(approval ? { approverTier: approval.approverTier } : {}),
    decision,
    result: value,
    resultJson: doc?.json ?? 'null',
  };
}
