/**
 * The policy engine on our own Rego interpreter: all sources compile into one policy (modules of
 * one package compose as in OPA), and each decision evaluates its package document once.
 */
import { AppError } from '../errors.js';
import { type DecisionFields, missingPackage, toApprovalDecision, toDecision } from './decisions.js';
import { MAX_INPUT_DEPTH, tooDeepMessage } from './input-depth.js';
import { policyEvaluationError } from './policy-error.js';
import { indexRules, PACKAGE_OF, toModules } from './policy-set.js';
import type { CompiledPolicy, RegoVersion } from './rego/api.js';
import { RegoError } from './rego/errors.js';
import { compile } from './rego/index.js';
import { fromJS, RObject, toJS, toJSONText, type Value } from './rego/value.js';
import type { ApprovalDecision, DecideOptions, Decision, PolicySet, PolicySource } from './types.js';

export interface RegoLoadOptions {
  /** Syntax for sources that do not say; defaults to v1. */
  regoVersion?: RegoVersion;
  /** Base `data` document (plain JSON) the policies may read. */
  data?: unknown;
  /** Per-decision evaluation budget; a runaway policy fails the decision instead of the server. */
  timeoutMs?: number;
}

/** A package document as plain JSON (sets as sorted arrays) and as exact JSON text. */
export interface PolicyDocument {
  value: unknown;
  json: string;
}

/** A policy set that can also show whole package documents (for `jitsudo policy eval`). */
export interface InspectablePolicySet extends PolicySet {
  /** The package document at `path` for `input`; `undefined` when nothing defines it. */
  document(path: readonly string[], input: unknown, opts?: DecideOptions): PolicyDocument | undefined;
  /** Dotted packages the set declares. */
  readonly packages: readonly string[];
}

export interface RegoPolicySet extends InspectablePolicySet {
  readonly engine: 'rego';
  readonly sources: readonly PolicySource[];
}

/**
 * Plain JSON data → Value, for the per-decision input. A tighter loop than `fromJS` (no
 * Object.entries, no Map/Set cases) because it runs on every decision; exotic values fall back.
 * Depth is bounded before recursing so hostile nesting is a VALIDATION error, not a stack overflow.
 */
function inputValue(x: unknown, depth = 0): Value {
  if (x === null || x === undefined) return null;
  switch (typeof x) {
    case 'string':
    case 'boolean':
    case 'number':
      return x as Value;
    case 'object':
      break;
    default:
      return fromJS(x);
  }
  if (depth >= MAX_INPUT_DEPTH) throw new AppError('VALIDATION', tooDeepMessage());
  if (Array.isArray(x)) {
    const out: Value[] = new Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = inputValue(x[i], depth + 1);
    return out;
  }
  if (Object.getPrototypeOf(x) !== Object.prototype) return fromJS(x);
  const o = new RObject();
  for (const k in x as Record<string, unknown>) {
    const v = (x as Record<string, unknown>)[k];
    if (v !== undefined) o.set(k, inputValue(v, depth + 1));
  }
  return o;
}

const field = (doc: RObject, rule: string): unknown => {
  const v = doc.get(rule);
  return v === undefined ? undefined : toJS(v);
};

/** The decision rules of a package document; converts only those, not the whole document. */
function fieldsOfValue(doc: Value | undefined): DecisionFields {
  if (!(doc instanceof RObject))
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
  return {
    allow: field(doc, 'allow'),
    reason: field(doc, 'reason'),
    reasons: field(doc, 'reasons'),
    deny: field(doc, 'deny'),
    approver_tier: field(doc, 'approver_tier'),
    max_total_duration_seconds: field(doc, 'max_total_duration_seconds'),
    approvals_required: field(doc, 'approvals_required'),
    approver_groups: field(doc, 'approver_groups'),
    step_up: field(doc, 'step_up'),
  };
}

/** A compile error in user policy, with every location the compiler reported. */
function compileError(e: RegoError): AppError {
  const all = [e, ...e.others];
  const where = (x: RegoError) =>
    x.location ? `${x.location.file}:${x.location.row}:${x.location.col}: ${x.detail}` : x.detail;
  const more = all.length > 1 ? ` (and ${all.length - 1} more)` : '';
  return new AppError('VALIDATION', `policy compile error: ${where(e)}${more}`, {
    cause: e,
    details: {
      errors: all.map((x) => ({ code: x.code, message: x.detail, ...(x.location ?? {}) })),
    },
  });
}

/** Compiles `sources` into a policy set; throws AppError VALIDATION (with line/col) on bad Rego. */
export function loadRegoPolicySet(
  sources: readonly PolicySource[],
  opts: RegoLoadOptions = {},
): RegoPolicySet {
  let compiled: CompiledPolicy;
  try {
    compiled = compile(toModules(sources), { regoVersion: opts.regoVersion ?? 'v1' });
  } catch (e) {
    if (e instanceof RegoError) throw compileError(e);
    throw new AppError('INTERNAL', 'policy engine failed to compile the policy set', { cause: e });
  }
  const index = indexRules(sources);
  const data = opts.data === undefined ? new RObject() : fromJS(opts.data);
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const declared = new Set(compiled.packages);

  const evaluate = (
    path: readonly string[],
    input: unknown,
    o: DecideOptions | undefined,
  ): Value | undefined => {
    // Outside the try: a too-deep input is the caller's VALIDATION error, not an engine failure.
    const value = input === undefined ? undefined : inputValue(input);
    try {
      return compiled.evalRef(path, { input: value, data, nowNs: o?.nowNs, timeoutMs });
    } catch (e) {
      // Fail closed with POLICY_ERROR naming the module and rule (never quoting the input).
      throw policyEvaluationError(path, e);
    }
  };
  const hasEligibility = declared.has(PACKAGE_OF.eligibility.join('.'));
  const hasApproval = declared.has(PACKAGE_OF.approval.join('.'));

  return {
    engine: 'rego',
    sources: [...sources],
    packages: compiled.packages,
    eligibility(input, o): Decision {
      if (!hasEligibility) return missingPackage('eligibility');
      return toDecision('eligibility', fieldsOfValue(evaluate(PACKAGE_OF.eligibility, input, o)), index);
    },
    approval(input, o): ApprovalDecision {
      if (!hasApproval) return missingPackage('approval');
      return toApprovalDecision(fieldsOfValue(evaluate(PACKAGE_OF.approval, input, o)), index);
    },
    document(path, input, o) {
      // Anything inside a declared package, or a prefix of one (`data.jitsudo`), has a document.
      const dotted = path.join('.');
      const inside = (p: string) => dotted === p || dotted.startsWith(`${p}.`) || p.startsWith(`${dotted}.`);
      if (!compiled.packages.some(inside)) return undefined;
      const doc = evaluate(path, input, o);
      return doc === undefined ? undefined : { value: toJS(doc), json: toJSONText(doc) };
    },
  };
}
