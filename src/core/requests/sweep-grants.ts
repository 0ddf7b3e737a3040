/**
 * Background grant and revoke work for the sweeper: claim due rows (SKIP LOCKED + lease, so several
 * processes share the work without overlap and a dead process's claims come back), then run the
 * shared grant/revoke flows as the system actor.
 */
import { SYSTEM_ACTOR } from '../actor.js';
import { nextExpiryAt } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { claimDue } from './batch.js';
import { issueGrants } from './grant-flow.js';
import { revokeGrants } from './revoke-flow.js';

const SYSTEM = { actor: SYSTEM_ACTOR.identity, actorKind: 'system' };

/** Revokes up to `limit` ACTIVE grants past expires_at; returns how many were claimed. Invariant: EXPIRED only after the provider revoke. */
export async function expireDueGrants(deps: CoreDeps, limit: number): Promise<number> {
  const rows = await claimDue(deps, 'expire', limit);
  await revokeGrants(deps, rows, SYSTEM);
  return rows.length;
}

/** Retries up to `limit` revocations whose backoff has passed; returns how many were claimed. */
export async function retryDueRevokes(deps: CoreDeps, limit: number): Promise<number> {
  const rows = await claimDue(deps, 'revoke_retry', limit);
  await revokeGrants(deps, rows, SYSTEM);
  return rows.length;
}

/** Retries up to `limit` APPROVED grants whose backoff (or a dead process's lease) has passed. */
export async function retryDueGrants(deps: CoreDeps, limit: number): Promise<number> {
  const rows = await claimDue(deps, 'grant_retry', limit);
  await issueGrants(deps, rows, SYSTEM);
  return rows.length;
}

/** When the next ACTIVE grant expires (null: none), so the sweeper can wake up for it. */
export function nextGrantExpiry(deps: CoreDeps): Promise<Date | null> {
  return nextExpiryAt(deps.db);
}
