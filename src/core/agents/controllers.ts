/**
 * Who controls an agent: its owner and whoever registered it. Both were handed (or could mint) its
 * token, so every separation-of-duties rule — deciding, escalating, setting tiers — treats an agent
 * and the people who control it as one party (ADR 0034). This file is the only place that says so.
 */
import type { Actor } from '../actor.js';
import type { RequestRow } from '../db/requests-repo.js';

const norm = (s: string) => s.trim().toLowerCase();

/** What an agent's control is read from: an agent row, an Actor's `agent`, or a request's snapshot. */
export interface ControlledAgent {
  owner: string;
  /** Who registered it; absent (older rows, hand-built actors) means the owner did. */
  createdBy?: string | null;
}

/** The people who control an agent (lowercase, no duplicates): its owner and its creator. */
export function agentControllers(a: ControlledAgent): string[] {
  return [...new Set([a.owner, a.createdBy || a.owner].map(norm))];
}

/** Whether `identity` controls the agent. */
export const controlsAgent = (identity: string, a: ControlledAgent): boolean =>
  agentControllers(a).includes(norm(identity));

/** Everyone an actor speaks for: itself and, for an agent, the people who control it. */
export function partyOfActor(a: Pick<Actor, 'identity' | 'agent'>): Set<string> {
  return new Set([norm(a.identity), ...(a.agent ? agentControllers(a.agent) : [])]);
}

/** Everyone behind a request: its requester and, for an agent's request, the agent's controllers. */
export function partyOfRequest(
  r: Pick<RequestRow, 'requesterIdentity' | 'agentOwner' | 'agentCreatedBy'>,
): Set<string> {
  const controllers = r.agentOwner
    ? agentControllers({ owner: r.agentOwner, createdBy: r.agentCreatedBy })
    : [];
  return new Set([norm(r.requesterIdentity), ...controllers]);
}

/** True when the actor and the request's requester share anyone: separation of duties forbids it. */
export function sameParty(
  a: Pick<Actor, 'identity' | 'agent'>,
  r: Pick<RequestRow, 'requesterIdentity' | 'agentOwner' | 'agentCreatedBy'>,
): boolean {
  const theirs = partyOfRequest(r);
  for (const who of partyOfActor(a)) if (theirs.has(who)) return true;
  return false;
}
