/**
 * N of M approvals (ADR 0044): who has approved a request so far, counted by party — an agent's
 * approval speaks for the people who control it, so a person and their AI reviewer are one
 * approver, not two.
 */
import type { Actor } from '../actor.js';
import { partyOfActor } from '../agents/controllers.js';
import type { ApprovalRow } from '../db/approvals-repo.js';
import type { RequestRow } from '../db/requests-repo.js';
import { AppError } from '../errors.js';
import type { PolicyApproval } from '../policy/types.js';

/**
 * Everyone an approval row speaks for (lower-cased). Rows since 0010 store it; older rows are read
 * as the approver and the owner it acted for (their creator was not recorded).
 */
export function approvalParty(a: ApprovalRow): Set<string> {
  if (a.actorParty.length > 0) return new Set(a.actorParty.map((x) => x.toLowerCase()));
  return new Set([a.actorIdentity.toLowerCase(), (a.onBehalfOf ?? a.actorIdentity).toLowerCase()]);
}

const meets = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => {
  for (const x of a) if (b.has(x)) return true;
  return false;
};

/** Approvals by approvers (not the policy's auto-approval, nor break-glass's skip). */
const byApprover = (a: ApprovalRow) =>
  a.decision === 'approve' && a.actorKind !== 'policy' && a.actorKind !== 'break_glass';

/**
 * The approvals that count toward the quorum, oldest first: each one whose party meets no earlier
 * counted one. So a person and an agent they control (as owner or as creator, ADR 0034) are one
 * approver — whoever approved first is the one counted.
 */
export function countedApprovals(approvals: readonly ApprovalRow[]): ApprovalRow[] {
  const seen = new Set<string>();
  const out: ApprovalRow[] = [];
  for (const a of approvals) {
    if (!byApprover(a)) continue;
    const party = approvalParty(a);
    if (meets(party, seen)) continue;
    for (const p of party) seen.add(p);
    out.push(a);
  }
  return out;
}

/** True when `actor`'s party (itself, an agent's controllers) meets the party of an approval so far. */
export function hasApproved(actor: Actor, approvals: readonly ApprovalRow[]): boolean {
  const mine = partyOfActor(actor);
  return approvals.some((a) => byApprover(a) && meets(approvalParty(a), mine));
}

/** The CONFLICT for a party's second approval of `r` (callers audit it, ADR 0047), or undefined. */
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
