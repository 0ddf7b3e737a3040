/**
 * Who may see and decide what. Shared by the verbs so that every surface applies the same rules:
 * reads are scoped to the requester unless admin; nobody decides on their own request (nor on one
 * made by an agent they own); agents decide only `ai_review` requests and only with the
 * `ai-reviewer` right.
 */
import type { Actor } from '../actor.js';
import type { RequestRow } from '../db/requests-repo.js';
import { AppError } from '../errors.js';

const same = (a: string | null | undefined, b: string) => !!a && a.toLowerCase() === b.toLowerCase();

/** True when the actor made the request, or owns the agent that made it. */
export function isOwnRequest(a: Actor, r: RequestRow): boolean {
  return same(r.requesterIdentity, a.identity) || same(r.agentOwner, a.identity);
}

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
  return r.state === 'PENDING' && decidableTiers(a).includes(r.approverTier);
}

/**
 * True when an agent actor acts for the requester: the request is its owner's, or another agent's
 * with the same owner. An AI reviewer never decides within its own owner's chain.
 */
export function sharesOwnerChain(a: Actor, r: RequestRow): boolean {
  const owner = a.agent?.owner;
  return !!owner && (same(r.requesterIdentity, owner) || same(r.agentOwner, owner));
}

/** Throws FORBIDDEN unless the actor may decide (approve/deny) this request, policy aside. */
export function assertMayDecide(a: Actor, r: RequestRow, verb: 'approve' | 'deny'): void {
  if (isOwnRequest(a, r))
    throw new AppError(
      'FORBIDDEN',
      `you cannot ${verb} your own request${same(r.agentOwner, a.identity) ? ' (made by an agent you own)' : ''}`,
    );
  if (sharesOwnerChain(a, r))
    throw new AppError(
      'FORBIDDEN',
      `you cannot ${verb} this request: it was made by your owner ${a.agent!.owner} or by an agent of the same owner`,
    );
  if (!decidableTiers(a).includes(r.approverTier))
    throw new AppError(
      'FORBIDDEN',
      a.kind === 'agent'
        ? `agents may only ${verb} ai_review requests, and only with the ai-reviewer right; this one needs a ${r.approverTier} approver`
        : `you may not ${verb} requests`,
      { details: { approver_tier: r.approverTier } },
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
