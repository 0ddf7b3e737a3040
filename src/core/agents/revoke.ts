/**
 * revokeAgent: the agent's token stops working at once. Its past requests and audit rows keep its
 * identity; grants it already holds run until they expire or are revoked (`jitsudo revoke`).
 */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { appendAudit } from '../audit/append.js';
import { findAgent, lockAgent, markAgentRevoked } from '../db/agents-repo.js';
import { withTx } from '../db/tx.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { isId } from '../ids.js';
import { parseInput } from '../requests/load.js';
import { safeText } from '../validation/text.js';
import { type AgentView, toAgentView } from './view.js';

export const RevokeAgentInput = z
  .object({
    /** The agent's id (`agt_…`) or its name. */
    id: z.string().min(1).max(64),
    reason: safeText(4096).default(''),
  })
  .strict();

/** Revokes an agent; invariant: only an admin or its owner can, and revoking twice changes nothing. */
export async function revokeAgent(deps: CoreDeps, actor: Actor, input: unknown): Promise<AgentView> {
  if (actor.kind !== 'human') throw new AppError('FORBIDDEN', 'only people can revoke agents');
  const v = parseInput(RevokeAgentInput, input);
  const seen = await findAgent(deps.db, isId(v.id, 'agt') ? { id: v.id } : { name: v.id });
  const owns = seen !== undefined && seen.owner === actor.identity.toLowerCase();
  // Someone else's agent looks exactly like a missing one.
  if (!seen || (!owns && !actor.isAdmin))
    throw new AppError('NOT_FOUND', `agent ${v.id} not found`, { details: { id: v.id } });
  const now = deps.now();
  const row = await withTx(deps.db, async (tx) => {
    const cur = (await lockAgent(tx, seen.id))!;
    if (cur.revokedAt) return cur;
    const r = await markAgentRevoked(tx, cur.id, now);
    await appendAudit(tx, {
      actor: actor.identity,
      actorKind: actor.kind,
      action: 'agent.revoked',
      outcome: 'success',
      details: { agent_id: r.id, name: r.name, owner: r.owner, reason: v.reason, by_admin: !owns },
    });
    return r;
  });
  return toAgentView(row);
}
