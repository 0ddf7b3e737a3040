/**
 * extendRequest: the requester asks for more time on an ACTIVE grant. The same policies decide,
 * seeing the request marked as an extension; the grant's total time can never pass the ceiling
 * (extend-ceiling.ts). The extension is a request row linked to the grant (`extends_request_id`):
 * auto-approved it is applied at once, otherwise it goes through the normal decisions (approve,
 * deny, AI review, quorum), and its approval moves the grant's expiry instead of issuing a grant
 * (extension-flow.ts). docs/adr/0045-request-extension.md.
 */
import type { Actor } from '../actor.js';
import { findOpenExtension } from '../db/extensions-repo.js';
import { lockRequest, type RequestRow, readTrustTier } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { asPolicyError } from '../policy/policy-error.js';
import type { ApproverTier, PolicyInput } from '../policy/types.js';
import { assertRequester, isRequester } from './access.js';
import { ceilingOf, ceilingRefusal, extendedTimes } from './extend-ceiling.js';
import { type ParsedExtend, parseExtendInput } from './extend-input.js';
import { applyExtensions } from './extension-flow.js';
import { recordExtension } from './extension-record.js';
import { loadVisible } from './load.js';
import { logPolicyError, type PolicyStage, policyErrorEvent } from './policy-failure.js';
import { decideAt, policyInput, requestInput, userInput } from './policy-input.js';
import { actedBy, audit, transact } from './tx.js';
import { type RequestView, toRequestView } from './view.js';

/** Refuses a grant that cannot be extended now (ended, ending, expired, not a grant). */
function assertExtendable(r: RequestRow, now: Date): void {
  if (r.extendsRequestId)
    throw new AppError(
      'VALIDATION',
      `request ${r.id} is itself an extension; extend the grant ${r.extendsRequestId}`,
      { details: { field: 'id', extends_request_id: r.extendsRequestId } },
    );
  if (r.state !== 'ACTIVE' || r.endReason !== null || !r.expiresAt || r.expiresAt <= now)
    throw new AppError(
      'CONFLICT',
      r.state === 'ACTIVE'
        ? `request ${r.id} is ending; only a live ACTIVE grant can be extended`
        : `request ${r.id} is ${r.state}; only ACTIVE grants can be extended`,
      { details: { state: r.state } },
    );
}

/**
 * Asks for more time on request `id`; invariant: only its requester, only while ACTIVE, never past
 * the ceiling, at most one open extension per grant, and the expiry moves only after the provider's.
 */
export async function extendRequest(deps: CoreDeps, actor: Actor, input: unknown): Promise<RequestView> {
  assertRequester(actor);
  const v = parseExtendInput(input, deps.config);
  const { row: seen } = await loadVisible(deps, actor, v.id);
  // Separation of duties: an admin ends grants (revoke) but never lengthens someone else's.
  if (!isRequester(actor, seen)) throw new AppError('FORBIDDEN', 'only the requester can extend a grant');
  assertExtendable(seen, deps.now());
  if (!deps.providers.find(seen.provider)?.extend)
    throw new AppError(
      'VALIDATION',
      `provider ${seen.provider} cannot move the end of a grant; request new access instead`,
      { details: { field: 'id', provider: seen.provider } },
    );
  const id = newId('req');
  const outcome = await transact(deps, (tx) => decide(deps, tx, actor, v, id), [v.id, id]);
  if (outcome.kind === 'policy_error') {
    logPolicyError(deps, outcome.error, outcome.stage, { actor: actor.identity });
    throw outcome.error;
  }
  if (outcome.kind === 'refused') throw outcome.error;
  const { row, approvals, immediate } = outcome;
  if (!immediate) return toRequestView(row, approvals);
  const [after] = await applyExtensions(deps, [row], actedBy(actor));
  return toRequestView(after!, approvals);
}

type Outcome =
  | { kind: 'policy_error'; error: AppError; stage: PolicyStage }
  | { kind: 'refused'; error: AppError }
  | (Awaited<ReturnType<typeof recordExtension>> & { kind: 'created' });

/** The locked step: the grant re-checked, policy asked, the ceiling applied, the extension recorded. */
async function decide(
  deps: CoreDeps,
  tx: Parameters<Parameters<typeof transact>[1]>[0],
  actor: Actor,
  v: ParsedExtend,
  id: string,
): Promise<Outcome> {
  const parent = (await lockRequest(tx, v.id))!;
  const now = deps.now();
  assertExtendable(parent, now);
  const open = await findOpenExtension(tx, parent.id);
  if (open)
    throw new AppError(
      'CONFLICT',
      `request ${parent.id} already has an extension in progress (${open.id}, ${open.state}); wait for its decision or cancel it`,
      { details: { extension_id: open.id, state: open.state } },
    );
  const times = extendedTimes(parent, v.durationSeconds);
  const fromConfig = ceilingOf(deps.config);
  // Past the configured ceiling nothing is asked of policy: no policy can allow it.
  if (times.totalSeconds > fromConfig.seconds)
    throw ceilingRefusal(parent, v.durationSeconds, times.totalSeconds, fromConfig);

  const request: PolicyInput['request'] = {
    ...requestInput(parent),
    duration_seconds: v.durationSeconds,
    reason: v.reason,
    // An extension never skips approval: break-glass got the grant, not more time.
    break_glass: false,
    extension: {
      of: parent.id,
      granted_at: times.grantedAt.toISOString(),
      current_expires_at: parent.expiresAt!.toISOString(),
      total_duration_seconds: times.totalSeconds,
      break_glass: parent.breakGlass,
    },
  };
  const pin = policyInput(userInput(actor), request, await readTrustTier(tx, actor), now);
  const who = { ...actedBy(actor), provider: parent.provider, resourceScope: parent.resourceScope };
  const summary = {
    extends_request_id: parent.id,
    role: parent.role,
    duration_seconds: v.durationSeconds,
    total_duration_seconds: times.totalSeconds,
  };
  const policies = deps.policies.current();
  let stage: PolicyStage = 'eligibility';
  try {
    const eligibility = policies.eligibility(pin, decideAt(now));
    if (!eligibility.allow) {
      await audit(tx, {
        ...who,
        requestId: parent.id,
        action: 'request.denied_by_policy',
        outcome: 'denied',
        details: { ...summary, reasons: eligibility.reasons, decided_by: eligibility.decidedBy },
      });
      return {
        kind: 'refused',
        error: new AppError('POLICY_DENIED', `denied by policy: ${eligibility.reason}`, {
          details: { reasons: eligibility.reasons, decided_by: eligibility.decidedBy },
        }),
      };
    }
    stage = 'approval_routing';
    const approval = policies.approval(pin, decideAt(now));
    const ceiling = ceilingOf(
      deps.config,
      eligibility.maxTotalDurationSeconds,
      approval.maxTotalDurationSeconds,
    );
    if (times.totalSeconds > ceiling.seconds) {
      const error = ceilingRefusal(parent, v.durationSeconds, times.totalSeconds, ceiling);
      await audit(tx, {
        ...who,
        requestId: parent.id,
        action: 'request.denied_by_policy',
        outcome: 'denied',
        details: { ...summary, reasons: [error.message], max_total_duration_seconds: ceiling.seconds },
      });
      return { kind: 'refused', error };
    }
    const tier: ApproverTier = approval.approverTier;
    const created = await recordExtension(deps, tx, {
      id,
      parent,
      actor,
      v,
      tier,
      // The approval policy's quorum applies to extensions as to any request (ADR 0044).
      quorum: {
        approvalsRequired: approval.approvalsRequired ?? 1,
        approverGroups: approval.approverGroups ?? [],
        stepUp: approval.stepUp ?? false,
      },
      ceilingSeconds: ceiling.seconds,
      decidedBy: [...new Set([...eligibility.decidedBy, ...approval.decidedBy])],
      totalSeconds: times.totalSeconds,
      now,
    });
    return { kind: 'created', ...created };
  } catch (e) {
    const err = asPolicyError(e);
    if (!err) throw e;
    await audit(tx, policyErrorEvent(err, stage, { ...who, requestId: parent.id }, summary));
    return { kind: 'policy_error', error: err, stage };
  }
}
