/**
 * A decision the policy could not make: recorded like a denial (a `policy.error` audit event with
 * no state change beside it, outcome `error`) and logged, then refused with POLICY_ERROR (503).
 * The event and the log line carry where the policy broke (module, rule, line, error kind) and the
 * request's identifying fields, never the input document (its reason and metadata may hold secrets).
 */

import type { Actor } from '../actor.js';
import type { AuditInput } from '../audit/append.js';
import type { RequestRow } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import type { AppError } from '../errors.js';
import { actedBy, audit, transact } from './tx.js';

export type PolicyStage = 'eligibility' | 'approval_routing' | 'approval';

/** Who asked about which request: the `base` of a decision's policy.error event. */
export function decisionErrorBase(
  actor: Actor,
  r: RequestRow,
): Omit<AuditInput, 'action' | 'outcome' | 'details'> {
  return { ...actedBy(actor), requestId: r.id, provider: r.provider, resourceScope: r.resourceScope };
}

/** The `policy.error` audit event for `e`; `base` says who asked and about what. */
export function policyErrorEvent(
  e: AppError,
  stage: PolicyStage,
  base: Omit<AuditInput, 'action' | 'outcome' | 'details'>,
  extra: Record<string, unknown> = {},
): AuditInput {
  return { ...base, action: 'policy.error', outcome: 'error', details: { ...extra, stage, ...e.details } };
}

/** The log line for a POLICY_ERROR: error level, since an operator has to fix the policy. */
export function logPolicyError(
  deps: CoreDeps,
  e: AppError,
  stage: PolicyStage,
  ids: { actor: string; request_id?: string },
): void {
  deps.log.error({ ...ids, stage, policy_error: e.details }, 'policy evaluation failed: decision refused');
}

/**
 * Records a POLICY_ERROR outside any other write: its audit event in a transaction of its own,
 * then the log line. Returns the error for the caller to throw.
 */
export async function recordPolicyError(
  deps: CoreDeps,
  e: AppError,
  stage: PolicyStage,
  base: Omit<AuditInput, 'action' | 'outcome' | 'details'>,
  extra: Record<string, unknown> = {},
): Promise<AppError> {
  await transact(deps, (tx) => audit(tx, policyErrorEvent(e, stage, base, extra)));
  logPolicyError(deps, e, stage, {
    actor: base.actor,
    ...(base.requestId ? { request_id: base.requestId } : {}),
  });
  return e;
}
