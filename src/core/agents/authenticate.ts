/** authenticateAgentToken: a presented `jit_agt_…` token → the agent's Actor, or UNAUTHENTICATED. */
import { timingSafeEqual } from 'node:crypto';
import type { Actor } from '../actor.js';
import { findAgentByTokenHash, touchAgent } from '../db/agents-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { hashAgentToken, isAgentTokenShape } from './token.js';
import { agentActor } from './view.js';

/** How stale `last_used_at` may get before a use is written (keeps auth from writing every call). */
const TOUCH_EVERY_MS = 60_000;

/** Resolves an agent token; invariant: unknown, malformed and revoked tokens never yield an Actor. */
export async function authenticateAgentToken(
  deps: Pick<CoreDeps, 'db' | 'now'>,
  token: string,
): Promise<Actor> {
  if (!isAgentTokenShape(token)) throw new AppError('UNAUTHENTICATED', 'invalid agent token');
  const hash = hashAgentToken(token);
  const row = await findAgentByTokenHash(deps.db, hash);
  // The lookup was by hash; the equality check is belt and braces, in constant time.
  if (!row || !timingSafeEqual(Buffer.from(row.tokenHash, 'hex'), Buffer.from(hash, 'hex')))
    throw new AppError('UNAUTHENTICATED', 'invalid agent token');
  if (row.revokedAt)
    throw new AppError(
      'UNAUTHENTICATED',
      `agent ${row.name} was revoked; ask its owner for a new agent token`,
    );
  const now = deps.now();
  await touchAgent(deps.db, row.id, now, new Date(now.getTime() - TOUCH_EVERY_MS));
  return agentActor(row);
}

/** The resolver the identity layer calls for agent tokens, bound to a core's deps. */
export function agentTokenResolver(deps: Pick<CoreDeps, 'db' | 'now'>): (token: string) => Promise<Actor> {
  return (token) => authenticateAgentToken(deps, token);
}
