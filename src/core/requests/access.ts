/**
 * Who may see and decide what. Shared by the verbs so that every surface applies the same rules:
 * reads are scoped to the requester unless admin; nobody decides or escalates a request of their own
 * party — themselves, an agent they control, or (for an AI reviewer) its controllers and their other
 * agents (agents/controllers.ts); agents decide only `ai_review` requests and only with the
 * `ai-reviewer` right.
 */
import type { Actor } from '../actor.js';
import { agentControllers, controlsAgent, sameParty } from '../agents/controllers.js';
import type { RequestRow } from '../db/requests-repo.js';
import { AppError } from '../errors.js';
import { inApproverGroups } from './quorum.js';

const same = (a: string | null | undefined, b: string) => !!a && a.toLowerCase() === b.toLowerCase();

/** True when the actor made the request, or controls (owns or created) the agent that made it. */
export function isOwnRequest(a: Actor, r: RequestRow): boolean {
  return same(r.requesterIdentity, a.identity) || madeByAgentOf(a, r);
}

const madeByAgentOf = (a: Actor, r: RequestRow): boolean =>
  !!r.agentOwner && controlsAgent(a.identity, { owner: r.agentOwner, createdBy: r.agentCreatedBy });

/** True when the actor is the requester itself (credentials, cancel, early release). */
export function isRequester(a: Actor, r: RequestRow): boolean {
  return same(r.requesterIdentity, a.identity);
}

export const isAiReviewer = (a: Actor) => a.scopes.includes('ai-reviewer');

/** Approver tiers this actor may decide on (before policy): humans any, AI reviewers ai_review. */
export function decidableTiers(a: Actor): RequestRow['approverTier'][] {
  if (a.kind === 'human') return ['human', 'ai_review'];
  if (a.kind === 'agent' && isAiReviewer(a)) return ['ai_review'];
  return [];
}

/** Whether the actor may see the request at all. */
export function canView(a: Actor, r: RequestRow, hasDecided = false): boolean {
  if (a.isAdmin || isOwnRequest(a, r) || hasDecided) return true;
  return r.state === 'PENDING' && decidableTiers(a).includes(r.approverTier) && inApproverGroups(a, r);
}

/**
 * True when the actor and the requester are one party (agents/controllers.ts): for a person, their
 * own request or one of an agent they control; for an agent, also its controllers' requests and
 * those of any agent sharing a controller with it. Nobody approves, denies or escalates those.
 */
export const sharesParty = (a: Actor, r: RequestRow): boolean => sameParty(a, r);

/** Throws FORBIDDEN when separation of duties keeps the actor from `verb` on this request. */
export function assertNotOwnParty(a: Actor, r: RequestRow, verb: 'approve' | 'deny' | 'escalate'): void {
  if (!sameParty(a, r)) return;
  if (same(r.requesterIdentity, a.identity))
    throw new AppError('FORBIDDEN', `you cannot ${verb} your own request`);
  if (madeByAgentOf(a, r))
    throw new AppError('FORBIDDEN', `you cannot ${verb} your own request (made by an agent you control)`);
  const yours = a.agent ? agentControllers(a.agent).join(' or ') : a.identity;
  throw new AppError(
    'FORBIDDEN',
    `you cannot ${verb} this request: it was made by someone who controls you — your owner or creator (${yours}) — or by an agent sharing one of them`,
  );
}

/** Throws FORBIDDEN unless the actor may decide (approve/deny) this request, policy aside. */
export function assertMayDecide(a: Actor, r: RequestRow, verb: 'approve' | 'deny'): void {
  assertNotOwnParty(a, r, verb);
  if (!decidableTiers(a).includes(r.approverTier))
    throw new AppError(
      'FORBIDDEN',
      a.kind === 'agent'
        ? `agents may only ${verb} ai_review requests, and only with the ai-reviewer right; this one needs a ${r.approverTier} approver`
        : `you may not ${verb} requests`,
      { details: { approver_tier: r.approverTier } },
    );
  // The approval policy named the groups that decide this request when it was created (ADR 0044).
  if (!inApproverGroups(a, r))
    throw new AppError(
      'FORBIDDEN',
      `you may not ${verb} this request: its approvers must be in one of the groups ${r.approverGroups.join(', ')}`,
      { details: { approver_groups: r.approverGroups } },
    );
}

/** Not visible → NOT_FOUND (no existence leak); visible → the caller gets FORBIDDEN from the verb. */
export function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `request ${id} not found`, { details: { id } });
}

/** Throws FORBIDDEN unless the actor may make requests at all. */
export function assertRequester(a: Actor): void {
  if (!a.scopes.includes('requester') && !a.isAdmin)
    throw new AppError('FORBIDDEN', 'this identity may not make requests');
}
