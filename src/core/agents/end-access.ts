/**
 * What revoking an agent does to its requests, inside the revocation's transaction: PENDING ones are
 * cancelled (nobody can approve them any more), ACTIVE grants get the revoke intent (the caller runs
 * revokeGrants after commit) and grants still being issued are stopped — unless an admin keeps the
 * grants, which the agent.revoked event then lists. Every change is audited here, in the same
 * transaction, through the verbs' own locked steps (cancelLocked, claimRevocation).
 */
import type { Actor } from '../actor.js';
import { lockOpenRequestsOfAgent } from '../db/agents-repo.js';
import type { Transaction } from '../db/client.js';
import { type RequestRow, updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { cancelLocked } from '../requests/cancel.js';
import { claimRevocation } from '../requests/revoke.js';
import { assertTransition } from '../requests/states.js';
import { auditRequest } from '../requests/tx.js';

/** What happened to one of the agent's requests. */
export interface AgentRequestOutcome {
  id: string;
  /**
   * cancelled: was PENDING · revoked: grant revoked at the provider · revoking: revoke under way
   * (retried by the sweeper) · stopped: its grant was being issued · kept: an admin kept the grant.
   */
  outcome: 'cancelled' | 'revoked' | 'revoking' | 'stopped' | 'kept';
}

export interface EndedAccess {
  outcomes: AgentRequestOutcome[];
  /** Rows carrying the revoke intent: hand them to revokeGrants once the transaction committed. */
  claimed: RequestRow[];
}

/** Ends the access of agent `agent` (its requests locked in `tx`); see the file comment. */
export async function endAgentAccess(
  deps: CoreDeps,
  tx: Transaction,
  actor: Actor,
  agent: { id: string; identity: string },
  opts: { reason: string; keepGrants: boolean; now: Date },
): Promise<EndedAccess> {
  const outcomes: AgentRequestOutcome[] = [];
  const claimed: RequestRow[] = [];
  const why = { reason: opts.reason, agent_revoked: agent.id };
  for (const cur of await lockOpenRequestsOfAgent(tx, agent)) {
    if (cur.state === 'PENDING') {
      await cancelLocked(tx, actor, cur, why, opts.now);
      outcomes.push({ id: cur.id, outcome: 'cancelled' });
    } else if (opts.keepGrants || (cur.state === 'ACTIVE' && cur.endReason !== null)) {
      // Kept on purpose, or already being revoked (the revoke flow owns it).
      outcomes.push({ id: cur.id, outcome: cur.endReason !== null ? 'revoking' : 'kept' });
    } else if (cur.state === 'ACTIVE') {
      const details = { ...why, by_admin: actor.isAdmin };
      claimed.push(await claimRevocation(deps, tx, actor, cur, details, opts.now));
      outcomes.push({ id: cur.id, outcome: 'revoking' });
    } else {
      await stopIssuing(deps, tx, actor, cur, why, opts.now);
      outcomes.push({ id: cur.id, outcome: 'stopped' });
    }
  }
  return { outcomes, claimed };
}

/**
 * An APPROVED request whose grant is still being issued ends FAILED: a grant that lands afterwards
 * is not recorded (the grant flow only records on APPROVED rows), and the after-end check — due once
 * the issuing attempt's lease has run out — revokes whatever reached the provider.
 */
async function stopIssuing(
  deps: CoreDeps,
  tx: Transaction,
  actor: Actor,
  cur: RequestRow,
  why: Record<string, unknown>,
  now: Date,
): Promise<void> {
  assertTransition(cur.state, 'FAILED', cur.id);
  const lease = deps.config.sweeper.lease_seconds * 1000;
  await updateRequest(
    tx,
    cur.id,
    {
      state: 'FAILED',
      endedAt: now,
      endReason: 'agent_revoked',
      nextAttemptAt: deps.providers.has(cur.provider) ? new Date(now.getTime() + lease) : null,
    },
    now,
  );
  await auditRequest(tx, actor, cur, {
    action: 'request.failed',
    outcome: 'failure',
    details: { ...why, error: 'the agent was revoked while its grant was being issued' },
  });
}
