import { z } from 'zod';
import type { Actor } from '../actor.js';
import { agentControllers, controlsAgent } from '../agents/controllers.js';
import { agentIdentity } from '../agents/view.js';
import { appendAudit } from '../audit/append.js';
import { type AgentRow, findAgent } from '../db/agents-repo.js';
import type { Executor } from '../db/client.js';
import { findPrincipal, type PrincipalRow, upsertTrustTier } from '../db/principals-repo.js';
import { withTx } from '../db/tx.js';
import { AppError } from '../errors.js';
import { isId } from '../ids.js';
import { safeText } from '../validation/text.js';
import { Identity, invalid, kindOf } from './access.js';

export const SetTrustTierInput = z
  .object({
    /** A person's identity, an agent's `agent:<name>`, or an agent's id (`agt_…`). */
    identity: Identity,
    trust_tier: z.number().int().min(0).max(4),
    notes: safeText(1024).optional(),
  })
  .strict();
export type SetTrustTierInput = z.input<typeof SetTrustTierInput>;

/**
 * The agent an identity names (by `agent:<name>` or `agt_…` id), or undefined for a person.
 * NOT_FOUND for an agent identity nobody registered: a tier set ahead of time would go to whoever
 * registers the name (ADR 0034).
 */
async function agentNamed(exec: Executor, identity: string): Promise<AgentRow | undefined> {
  const name = identity.slice('agent:'.length);
  const byId = isId(identity, 'agt');
  if (!byId && kindOf(identity) !== 'agent') return undefined;
  const row = await findAgent(exec, byId ? { id: identity } : { name });
  if (!row)
    throw new AppError(
      'NOT_FOUND',
      `no agent ${identity} is registered; register the agent first, then set its trust tier`,
      { details: { identity } },
    );
  return row;
}

/**
 * Sets a principal's trust tier (0–4), creating the principal if needed. Admin only, never on
 * oneself nor on an agent one controls (owner or creator — it would be one's own break-glass
 * through the agent); an agent's tier is keyed to its id, and only a registered agent gets one.
 * Audited as principal.trust_tier_set with the old and new tier in the same transaction.
 */
export async function setTrustTier(
  deps: { db: Executor; now?: () => Date },
  actor: Actor,
  input: unknown,
): Promise<PrincipalRow> {
  if (!actor.isAdmin) throw new AppError('FORBIDDEN', 'only administrators may set trust tiers');
  const r = SetTrustTierInput.safeParse(input);
  if (!r.success) throw invalid(r.error);
  const { trust_tier, notes } = r.data;
  if (r.data.identity.toLowerCase() === actor.identity.toLowerCase())
    throw new AppError('FORBIDDEN', 'you cannot change your own trust tier');
  const now = deps.now?.() ?? new Date();
  return withTx(deps.db, async (tx) => {
    const agent = await agentNamed(tx, r.data.identity);
    if (agent && controlsAgent(actor.identity, agent))
      throw new AppError(
        'FORBIDDEN',
        `you cannot change the trust tier of agent ${agent.name}: you control it (its controllers are ${agentControllers(agent).join(' and ')}); another administrator must`,
        { details: { identity: agentIdentity(agent.name) } },
      );
    const identity = agent ? agentIdentity(agent.name) : r.data.identity;
    const before = await findPrincipal(tx, identity, true);
    // A row under this name that belonged to another agent carries nothing over.
    const old = before && before.agent_id === (agent?.id ?? null) ? before.trust_tier : null;
    const after = await upsertTrustTier(tx, {
      identity,
      kind: agent ? 'agent' : (before?.kind ?? 'human'),
      agentId: agent?.id ?? null,
      tier: trust_tier,
      by: actor.identity,
      notes,
      now,
    });
    await appendAudit(tx, {
      actor: actor.identity,
      actorKind: actor.kind,
      action: 'principal.trust_tier_set',
      outcome: 'success',
      details: {
        identity,
        ...(agent ? { agent_id: agent.id } : {}),
        old_tier: old,
        new_tier: trust_tier,
        ...(notes !== undefined ? { notes } : {}),
      },
    });
    return after;
  });
}
