/**
 * The write half of extendRequest, inside its transaction once policy has admitted the extension:
 * the extension row (PENDING, or APPROVED and claimed when auto-approved), the auto-approval, and
 * their audit events. The row copies the grant's requester and target so that approvers, the AI
 * reviewer and the policy see what is being lengthened.
 */
import type { Actor } from '../actor.js';
import { type ApprovalRow, insertApproval } from '../db/approvals-repo.js';
import type { Transaction } from '../db/client.js';
import { insertExtension } from '../db/extensions-repo.js';
import type { RequestRow } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { newId } from '../ids.js';
import type { Quorum } from '../policy/quorum.js';
import type { ApproverTier } from '../policy/types.js';
import type { ParsedExtend } from './extend-input.js';
import { actedBy, audit } from './tx.js';

export interface AdmittedExtension {
  id: string;
  parent: RequestRow;
  actor: Actor;
  v: ParsedExtend;
  tier: ApproverTier;
  quorum: Quorum;
  ceilingSeconds: number;
  decidedBy: readonly string[];
  totalSeconds: number;
  now: Date;
}

/** Records an admitted extension; an auto-approved one is APPROVED and claimed for its apply. */
export async function recordExtension(
  deps: CoreDeps,
  tx: Transaction,
  a: AdmittedExtension,
): Promise<{ row: RequestRow; approvals: ApprovalRow[]; immediate: boolean }> {
  const { parent: p, tier, now } = a;
  const immediate = tier === 'auto';
  const after = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  // A decision after the grant has ended would have nothing to extend: the wait ends with the grant.
  const ttl = after(deps.config.requests.pending_ttl_seconds);
  const pendingUntil = p.expiresAt! < ttl ? p.expiresAt! : ttl;
  const row = await insertExtension(tx, {
    id: a.id,
    state: immediate ? 'APPROVED' : 'PENDING',
    extendsRequestId: p.id,
    extensionCeilingSeconds: a.ceilingSeconds,
    requesterIdentity: p.requesterIdentity,
    requesterKind: p.requesterKind,
    requesterGroups: [...a.actor.groups],
    agentId: p.agentId,
    agentName: p.agentName,
    agentOwner: p.agentOwner,
    agentCreatedBy: p.agentCreatedBy,
    provider: p.provider,
    role: p.role,
    resourceScope: p.resourceScope,
    durationSeconds: a.v.durationSeconds,
    reason: a.v.reason,
    breakGlass: false,
    metadata: p.metadata,
    ...(p.targetFacts ? { targetFacts: p.targetFacts } : {}),
    approverTier: tier,
    approvalsRequired: a.quorum.approvalsRequired,
    approverGroups: a.quorum.approverGroups,
    stepUp: a.quorum.stepUp ?? false,
    createdAt: now,
    updatedAt: now,
    pendingExpiresAt: immediate ? null : pendingUntil,
    escalateAt: tier === 'ai_review' ? after(deps.config.requests.ai_review_escalate_after_seconds) : null,
    approvedAt: immediate ? now : null,
    // Applying is attempt 1; the lease lets the sweeper take over if this process dies.
    grantAttempts: immediate ? 1 : 0,
    nextAttemptAt: immediate ? after(deps.config.sweeper.lease_seconds) : null,
  });
  const approvals = immediate
    ? [
        await insertApproval(tx, {
          id: newId('apr'),
          requestId: a.id,
          actorIdentity: 'policy',
          actorKind: 'policy',
          decision: 'approve',
          comment: 'auto-approved by policy',
          createdAt: now,
        }),
      ]
    : [];
  const event = {
    ...actedBy(a.actor),
    requestId: a.id,
    provider: p.provider,
    resourceScope: p.resourceScope,
    outcome: 'success' as const,
  };
  const summary = {
    extends_request_id: p.id,
    role: p.role,
    duration_seconds: a.v.durationSeconds,
    total_duration_seconds: a.totalSeconds,
    max_total_duration_seconds: a.ceilingSeconds,
  };
  await audit(tx, {
    ...event,
    action: 'request.created',
    details: {
      ...summary,
      approver_tier: tier,
      ...(a.quorum.approvalsRequired > 1 ? { approvals_required: a.quorum.approvalsRequired } : {}),
      ...(a.quorum.approverGroups.length ? { approver_groups: a.quorum.approverGroups } : {}),
      ...(a.quorum.stepUp ? { step_up: true } : {}),
      reason: a.v.reason,
    },
  });
  if (immediate)
    await audit(tx, {
      ...event,
      action: 'request.auto_approved',
      details: { ...summary, decided_by: a.decidedBy },
    });
  return { row, approvals, immediate };
}
