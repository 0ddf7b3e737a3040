/** The scheduled "about to expire" event: emitted once per grant and expiry (an extension re-arms it). */
import { expiringGrants, insertKeyedEvents } from '../db/outbox-repo.js';
import type { CoreDeps } from '../deps.js';
import { newId } from '../ids.js';

/**
 * Writes a `grant.expiring` event for up to `limit` ACTIVE grants expiring within
 * notifications.expiry_warning_seconds; returns how many it found. Invariant: one event per grant
 * and expiry time across replicas (the dedupe key is unique).
 */
export async function warnExpiringGrants(deps: CoreDeps, limit: number): Promise<number> {
  const lead = deps.config.notifications.expiry_warning_seconds;
  if (lead === 0) return 0;
  const now = deps.now();
  const rows = await expiringGrants(deps.db, now, new Date(now.getTime() + lead * 1000), limit);
  await insertKeyedEvents(
    deps.db,
    rows.map((r) => {
      const expiresAt = new Date(r.expires_at);
      return {
        id: newId('evt'),
        type: 'grant.expiring',
        requestId: r.id,
        dedupeKey: `grant.expiring:${r.id}:${expiresAt.getTime()}`,
        payload: JSON.stringify({
          time: now.toISOString(),
          action: 'grant.expiring',
          outcome: 'success',
          actor: 'system',
          actor_kind: 'system',
          provider: r.provider,
          resource_scope: r.resource_scope,
          details: { expires_at: expiresAt.toISOString() },
        }),
      };
    }),
  );
  return rows.length;
}
