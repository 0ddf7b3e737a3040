import type { Actor } from '../actor.js';
import type { Executor } from '../db/client.js';
import { touchPrincipalRow } from '../db/principals-repo.js';

/**
 * Records that an authenticated actor was seen (creating its principal at tier 0 on first sight).
 * Bookkeeping, not a state change anyone decides, so it is not audited; writes at most once a minute
 * per principal (or when its groups changed). The system actor is never recorded.
 */
export async function touchPrincipal(
  deps: { db: Executor; now?: () => Date },
  actor: Pick<Actor, 'identity' | 'kind' | 'agent'> & Partial<Pick<Actor, 'groups'>>,
): Promise<boolean> {
  if (actor.kind === 'system') return false;
  return touchPrincipalRow(deps.db, {
    identity: actor.identity,
    kind: actor.kind,
    agentId: actor.agent?.id ?? null,
    groups: rememberedGroups(actor),
    now: deps.now?.() ?? new Date(),
    minIntervalSeconds: 60,
  });
}

const MAX_GROUPS = 256;

/**
 * A person's groups as remembered for notifying approvers (ADR 0057): sorted and deduplicated (a
 * token listing them in another order is no change), bounded. Agents and services are never
 * notified as approvers, so nothing is kept for them.
 */
export function rememberedGroups(actor: Pick<Actor, 'kind'> & Partial<Pick<Actor, 'groups'>>): string[] {
  if (actor.kind !== 'human') return [];
  return [...new Set(actor.groups ?? [])].sort().slice(0, MAX_GROUPS);
}
