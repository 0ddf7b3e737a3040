/**
 * revokeAgent: the agent's token stops working at once, its PENDING requests are cancelled and its
 * grants revoked (through the revoke flow, like `jitsudo revoke`) — unless an admin explicitly keeps
 * the grants. Its past requests and audit rows keep its identity. Revoking again changes nothing
 * about the agent, but ends whatever it still has open (so leftovers of an earlier revocation that
 * kept grants, or of one before this rule, can be cleaned up the same way).
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
import { revokeGrants } from '../requests/revoke-flow.js';
import { safeText } from '../validation/text.js';
import { controlsAgent } from './controllers.js';
import { type AgentRequestOutcome, endAgentAccess } from './end-access.js';
import { type AgentView, agentIdentity, toAgentView } from './view.js';

const Bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1'),
]);

export const RevokeAgentInput = z
  .object({
    /** The agent's id (`agt_…`) or its name. */
    id: z.string().min(1).max(64),
    reason: safeText(4096).default(''),
    /** Admins only: leave the agent's grants running (they still end when they expire). */
    keep_grants: Bool.default(false),
  })
  .strict();

export interface RevokedAgent {
  agent: AgentView;
  /** Each request the agent still had open, and what revoking did to it. */
  requests: AgentRequestOutcome[];
}

/** Revokes an agent; invariant: only an admin or a controller can, and nothing it asked for stays approvable. */
export async function revokeAgent(deps: CoreDeps, actor: Actor, input: unknown): Promise<RevokedAgent> {
  if (actor.kind !== 'human') throw new AppError('FORBIDDEN', 'only people can revoke agents');
  const v = parseInput(RevokeAgentInput, input);
  const seen = await findAgent(deps.db, isId(v.id, 'agt') ? { id: v.id } : { name: v.id });
  const controls = seen !== undefined && controlsAgent(actor.identity, seen);
  // Someone else's agent looks exactly like a missing one.
  if (!seen || (!controls && !actor.isAdmin))
    throw new AppError('NOT_FOUND', `agent ${v.id} not found`, { details: { id: v.id } });
  if (v.keep_grants && !actor.isAdmin)
    throw new AppError('FORBIDDEN', "only admins can keep a revoked agent's grants", {
      details: { field: 'keep_grants' },
    });
  const now = deps.now();
  const out = await withTx(deps.db, async (tx) => {
    let row = (await lockAgent(tx, seen.id))!;
    const ended = await endAgentAccess(
      deps,
      tx,
      actor,
      { id: row.id, identity: agentIdentity(row.name) },
      { reason: v.reason, keepGrants: v.keep_grants, now },
    );
    if (!row.revokedAt) {
      row = await markAgentRevoked(tx, row.id, now);
      const kept = ended.outcomes.filter((o) => o.outcome === 'kept').map((o) => o.id);
      await appendAudit(tx, {
        actor: actor.identity,
        actorKind: actor.kind,
        action: 'agent.revoked',
        outcome: 'success',
        details: {
          agent_id: row.id,
          name: row.name,
          owner: row.owner,
          reason: v.reason,
          by_admin: !controls,
          keep_grants: v.keep_grants,
          ...(kept.length ? { kept_grants: kept } : {}),
        },
      });
    }
    return { row, ended };
  });
  // The provider calls run outside any transaction; a failure stays ACTIVE-with-intent and the
  // sweeper retries it (revoke-flow.ts), so the answer says "revoking" rather than "revoked".
  const after = await revokeGrants(deps, out.ended.claimed, {
    actor: actor.identity,
    actorKind: actor.kind,
    onBehalfOf: actor.agent?.owner,
  });
  const revoked = new Set(after.filter((r) => r.state === 'REVOKED').map((r) => r.id));
  const requests = out.ended.outcomes.map((o) =>
    revoked.has(o.id) ? { ...o, outcome: 'revoked' as const } : o,
  );
  return { agent: toAgentView(out.row), requests };
}
