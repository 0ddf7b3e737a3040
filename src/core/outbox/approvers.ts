/**
 * Whom to tell that a request waits for them (ADR 0057). jitsudo knows a request's approver groups
 * and tier rule, not the IdP's group members; it does know its principals: their trust tier and the
 * groups their last authenticated call carried. Those are *candidates to notify*: a click or a
 * decision is re-checked by core against the decider's identity like any other, so a stale group
 * here can at worst send a message, never grant anything.
 */

import { listApprovals } from '../db/approvals-repo.js';
import { findApproverCandidates } from '../db/approver-candidates-repo.js';
import { requestsByIds } from '../db/outbox-repo.js';
import type { CoreDeps } from '../deps.js';

export interface ApproverCandidates {
  /** Email identities to notify, at most notifications.approvers.max_recipients. */
  emails: string[];
  /** How many qualified in all (more than `emails.length` when capped). */
  total: number;
  capped: boolean;
}

const NONE: ApproverCandidates = { emails: [], total: 0, capped: false };

/**
 * The people to notify about `requestId` while it waits for a human decision (none otherwise).
 * Invariant: never the requester, the requesting agent's controllers (owner, creator), nor anyone
 * who already decided; only human principals with an email identity.
 */
export async function approverCandidates(
  deps: Pick<CoreDeps, 'db' | 'config'>,
  requestId: string,
): Promise<ApproverCandidates> {
  const [r] = await requestsByIds(deps.db, [requestId]);
  if (!r || r.state !== 'PENDING' || r.approverTier !== 'human') return NONE;
  const decided = (await listApprovals(deps.db, [r.id])).get(r.id) ?? [];
  const exclude = [
    r.requesterIdentity,
    r.agentOwner,
    r.agentCreatedBy,
    ...decided.map((a) => a.actorIdentity),
  ]
    .filter((x): x is string => typeof x === 'string' && x.length > 0)
    .map((x) => x.toLowerCase());
  const auth = deps.config.auth;
  const { max_recipients, min_trust_tier } = deps.config.notifications.approvers;
  const { emails, total } = await findApproverCandidates(deps.db, {
    groups: r.approverGroups,
    minTier: min_trust_tier,
    // Admins by email are members of the admin group as far as jitsudo is concerned.
    adminEmails: r.approverGroups.includes(auth.admin_group)
      ? auth.admin_emails.map((e) => e.toLowerCase())
      : [],
    exclude: [...new Set(exclude)],
    limit: max_recipients,
  });
  return { emails, total, capped: total > emails.length };
}

/** The status note for a capped fan-out (null when not capped). */
export function cappedNote(c: ApproverCandidates): string | null {
  return c.capped
    ? `approvers capped: notified ${c.emails.length} of ${c.total} candidates (notifications.approvers.max_recipients)`
    : null;
}
