/**
 * A policy that cannot be evaluated (budget exceeded, conflicting complete rules, an internal
 * interpreter fault) fails closed with its own code, POLICY_ERROR (HTTP 503): the caller learns
 * that nothing was allowed and which module and rule broke, never an opaque 500.
 *
 * The message names the module, rule and line, and the error's kind; it never quotes the input
 * (a request's reason or metadata may hold anything) nor a JavaScript error text, which can.
 */
import { AppError, isAppError } from '../errors.js';
import { RegoError } from './rego/errors.js';

/** Interpreter error texts that we write ourselves and that carry no value from input or data. */
const SAFE_DETAIL = new Set<RegoError['code']>(['eval_budget_error', 'eval_conflict_error']);

/** What a POLICY_ERROR says about where the policy broke (also its audit event's details). */
export interface PolicyErrorDetails {
  package: string;
  module?: string;
  rule?: string;
  line?: number;
  code: string;
}

/** The POLICY_ERROR for an evaluation of `data.<path>` that threw `e`. */
export function policyEvaluationError(path: readonly string[], e: unknown): AppError {
  const details: PolicyErrorDetails = { package: `data.${path.join('.')}`, code: 'eval_internal_error' };
  let what = 'internal interpreter error';
  if (e instanceof RegoError) {
    details.code = e.code;
    // The error's own location (the failing call) is the more precise line; else the rule's head.
    const module = e.location?.file ?? e.rule?.file;
    const line = e.location?.row ?? e.rule?.row;
    if (module !== undefined) details.module = module;
    if (e.rule) details.rule = e.rule.name;
    if (line !== undefined) details.line = line;
    what = SAFE_DETAIL.has(e.code) ? `${e.code}: ${e.detail}` : e.code;
  }
  return policyError(details, what, e);
}

/** The POLICY_ERROR for a compiled (wasm) policy: it reports no module or rule, only its entrypoint. */
export function wasmEvaluationError(entrypoint: string, name: string, e: unknown): AppError {
  return policyError(
    { package: `data.${entrypoint.replaceAll('/', '.')}`, module: name, code: 'wasm_eval_error' },
    'the compiled policy failed to evaluate',
    e,
  );
}

function policyError(details: PolicyErrorDetails, what: string, cause: unknown): AppError {
  const where = [
    details.module ? `module ${details.module}` : undefined,
    details.rule ? `rule ${details.rule}` : undefined,
    details.line !== undefined ? `line ${details.line}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return new AppError(
    'POLICY_ERROR',
    `policy ${details.package} could not be evaluated (${where || 'location unknown'}): ${what}; nothing was allowed — the policy must be fixed`,
    { cause, details: { ...details } },
  );
}

/** The error itself when it is a POLICY_ERROR, else undefined (for the callers that record it). */
export function asPolicyError(e: unknown): AppError | undefined {
  return isAppError(e) && e.code === 'POLICY_ERROR' ? e : undefined;
}
