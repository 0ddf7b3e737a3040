import type { Actor } from '../actor.js';
import type { Executor } from '../db/client.js';
import { touchPrincipalRow } from '../db/principals-repo.js';

/**
 * Records that an authenticated actor was seen (creating its principal at tier 0 on first sight).
 * Bookkeeping, not a state change anyone decides, so it is not audited; writes at most once a minute
 * per principal. The system actor is never recorded.
 */
export async function touchPrincipal(
  deps: { db: Executor; now?: () => Date },
  actor: Pick<Actor, 'identity' | 'kind' | 'agent'>,
): Promise<boolean> {
  if (actor.kind === 'system') return false;
  return touchPrincipalRow(deps.db, {
    identity: actor.identity,
    kind: actor.kind,
    agentId: actor.agent?.id ?? null,
    now: deps.now?.() ?? new Date(),
    minIntervalSeconds: 60,
  });
}
