/**
 * N of M approvals (ADR 0044): who has approved a request so far, counted by party — an agent's
 * approval counts for its owner, so a person and their AI reviewer are one approver, not two.
 */
import type { Actor } from '../actor.js';
import type { ApprovalRow } from '../db/approvals-repo.js';
import type { RequestRow } from '../db/requests-repo.js';
import { AppError } from '../errors.js';
import type { PolicyApproval } from '../policy/types.js';

/** The party an approval row counts for (lower-cased). */
export const approvalParty = (a: ApprovalRow): string => (a.onBehalfOf ?? a.actorIdentity).toLowerCase();

/** The party an actor's approval would count for (lower-cased). */
export const actorParty = (a: Actor): string => (a.agent?.owner ?? a.identity).toLowerCase();

/** Approvals by approvers (not the policy's auto-approval, nor break-glass's skip). */
const byApprover = (a: ApprovalRow) =>
  a.decision === 'approve' && a.actorKind !== 'policy' && a.actorKind !== 'break_glass';

/** The approvals that count toward the quorum: the first by each party, oldest first. */
export function countedApprovals(approvals: readonly ApprovalRow[]): ApprovalRow[] {
  const seen = new Set<string>();
  const out: ApprovalRow[] = [];
  for (const a of approvals) {
    if (!byApprover(a)) continue;
    const p = approvalParty(a);
    if (seen.has(p)) continue;
    seen.add(p);
    out.push(a);
  }
  return out;
}

/** True when `actor` (or the owner it acts for, or an agent acting for it) already approved. */
export function hasApproved(actor: Actor, approvals: readonly ApprovalRow[]): boolean {
  const mine = new Set([actorParty(actor), actor.identity.toLowerCase()]);
  return approvals.some(
    (a) => byApprover(a) && (mine.has(approvalParty(a)) || mine.has(a.actorIdentity.toLowerCase())),
  );
}

/** The CONFLICT for a party's second approval of `r` (nothing is written), or undefined. */
export function secondApproval(
  actor: Actor,
  r: Pick<RequestRow, 'id' | 'state' | 'approvalsRequired'>,
  approvals: readonly ApprovalRow[],
): AppError | undefined {
  if (!hasApproved(actor, approvals)) return undefined;
  const k = countedApprovals(approvals).length;
  return new AppError(
    'CONFLICT',
    `you have already approved request ${r.id} (${k} of ${r.approvalsRequired} approvals); it needs another approver`,
    { details: { state: r.state, approvals: k, approvals_required: r.approvalsRequired } },
  );
}

/** True when the request names no approver groups, or the actor is in one of them. */
export function inApproverGroups(actor: Actor, r: Pick<RequestRow, 'approverGroups'>): boolean {
  return r.approverGroups.length === 0 || r.approverGroups.some((g) => actor.groups.includes(g));
}

/** The approvals so far as the approval policy sees them (`input.context.approvals`). */
export function policyApprovals(approvals: readonly ApprovalRow[]): PolicyApproval[] {
  return countedApprovals(approvals).map((a) => ({
    identity: a.actorIdentity,
    kind: a.actorKind,
    groups: [...a.actorGroups],
    ...(a.onBehalfOf ? { on_behalf_of: a.onBehalfOf } : {}),
    decided_at: a.createdAt.toISOString(),
  }));
}
