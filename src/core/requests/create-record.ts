/**
 * The write half of createRequest, inside its transaction once policy has admitted the request:
 * the row (PENDING, or APPROVED and claimed for its first grant attempt), the approval that skipped
 * a human (auto-approval or break-glass), and their audit events.
 */
import type { Actor } from '../actor.js';
import { type ApprovalRow, insertApproval } from '../db/approvals-repo.js';
import type { Transaction } from '../db/client.js';
import { insertRequest, type NewRequestRow, type RequestRow } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { newId } from '../ids.js';
import type { ApproverTier } from '../policy/types.js';
import { audit } from './tx.js';

export interface Admitted {
  /** The row's fields that do not depend on the decision. */
  base: Omit<NewRequestRow, 'state'>;
  actor: Actor;
  tier: ApproverTier;
  /** The policies and rules that routed it (for the auto-approval's audit row). */
  decidedBy: readonly string[];
  trustTier: number;
  now: Date;
}

/** Records an admitted request; `immediate` rows (auto, break-glass) are APPROVED and claimed. */
export async function recordCreation(
  deps: CoreDeps,
  tx: Transaction,
  a: Admitted,
): Promise<{ row: RequestRow; approvals: ApprovalRow[]; immediate: boolean }> {
  const { base, actor, tier, now } = a;
  const breakGlass = base.breakGlass === true;
  const immediate = breakGlass || tier === 'auto';
  const after = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  const inserted = insertRequest(tx, {
    ...base,
    state: immediate ? 'APPROVED' : 'PENDING',
    approverTier: tier,
    pendingExpiresAt: immediate ? null : after(deps.config.requests.pending_ttl_seconds),
    escalateAt: tier === 'ai_review' ? after(deps.config.requests.ai_review_escalate_after_seconds) : null,
    approvedAt: immediate ? now : null,
    // The grant that follows is attempt 1; the lease lets the sweeper take over if this process dies.
    grantAttempts: immediate ? 1 : 0,
    nextAttemptAt: immediate ? after(deps.config.sweeper.lease_seconds) : null,
  });
  // Both inserts go out together (pipelined, executed in order: the approval references the request).
  const approval = immediate
    ? insertApproval(tx, {
        id: newId('apr'),
        requestId: base.id,
        actorIdentity: breakGlass ? actor.identity : 'policy',
        actorKind: breakGlass ? 'break_glass' : 'policy',
        decision: 'approve',
        comment: breakGlass ? 'break-glass: approval skipped' : 'auto-approved by policy',
        createdAt: now,
      })
    : undefined;
  const [row, approved] = await Promise.all([inserted, approval]);
  const event = {
    actor: actor.identity,
    actorKind: actor.kind,
    onBehalfOf: actor.agent?.owner,
    requestId: base.id,
    provider: base.provider,
    resourceScope: base.resourceScope,
    outcome: 'success' as const,
  };
  const summary = { role: base.role, duration_seconds: base.durationSeconds, break_glass: breakGlass };
  await audit(tx, {
    ...event,
    action: 'request.created',
    details: {
      ...summary,
      approver_tier: tier,
      ...(base.approvalsRequired && base.approvalsRequired > 1
        ? { approvals_required: base.approvalsRequired }
        : {}),
      ...(base.approverGroups?.length ? { approver_groups: base.approverGroups } : {}),
      ...(base.stepUp ? { step_up: true } : {}),
      reason: base.reason,
      trust_tier: a.trustTier,
      ...(base.targetFacts ? { target: base.targetFacts } : {}),
    },
  });
  if (approved)
    await audit(tx, {
      ...event,
      action: breakGlass ? 'break_glass.used' : 'request.auto_approved',
      details: breakGlass
        ? { ...summary, alert: true, reason: base.reason }
        : { ...summary, decided_by: a.decidedBy },
    });
  return { row, approvals: approved ? [approved] : [], immediate };
}
