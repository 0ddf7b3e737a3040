/**
 * Per-principal limits for agents (config `agents.limits`): open requests, requests per hour and
 * active grants. Humans are governed by policy alone. Checked before the insert without a lock, so
 * a burst of parallel creations can overshoot by the number in flight — a rate limit, not a quota.
 */
import type { Actor } from '../actor.js';
import { countRequests, limitTimes } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';

/** Throws RATE_LIMITED when an agent is over one of its limits. */
export async function assertAgentLimits(deps: CoreDeps, actor: Actor, now: Date): Promise<void> {
  if (actor.kind !== 'agent') return;
  const l = deps.config.agents.limits;
  const [open, lastHour, active] = await Promise.all([
    countRequests(deps.db, actor.identity, { states: ['PENDING', 'APPROVED'] }),
    countRequests(deps.db, actor.identity, { since: new Date(now.getTime() - 3600_000) }),
    countRequests(deps.db, actor.identity, { states: ['ACTIVE'] }),
  ]);
  const over = async (what: string, n: number, max: number) => {
    const retry = await retryAfterSeconds(deps, actor, what, now);
    return new AppError('RATE_LIMITED', `agent limit reached: ${n} ${what} (maximum ${max})`, {
      retryable: true,
      details: {
        limit: what,
        current: n,
        maximum: max,
        ...(retry !== null ? { retry_after_seconds: retry } : {}),
      },
    });
  };
  if (open >= l.max_open_requests) throw await over('open requests', open, l.max_open_requests);
  if (lastHour >= l.max_requests_per_hour)
    throw await over('requests in the last hour', lastHour, l.max_requests_per_hour);
  if (active >= l.max_active_grants) throw await over('active grants', active, l.max_active_grants);
}

/**
 * When a retry can succeed: the hourly window frees a slot when its oldest request ages out; the
 * grant limit when the earliest active grant expires. Open requests end when someone decides
 * them, which no clock can tell (null).
 */
async function retryAfterSeconds(
  deps: CoreDeps,
  actor: Actor,
  what: string,
  now: Date,
): Promise<number | null> {
  if (what === 'open requests') return null;
  const hourAgo = new Date(now.getTime() - 3600_000);
  const t = await limitTimes(deps.db, actor.identity, hourAgo);
  const at =
    what === 'active grants' ? t.nextExpiry : t.oldestSince && new Date(t.oldestSince.getTime() + 3600_000);
  return at ? Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000)) : null;
}
