/**
 * Per-principal limits for agents (config `agents.limits`): open requests, requests per hour and
 * active grants. Humans are governed by policy alone. Checked inside the transaction that inserts the
 * request, under a per-requester advisory lock, so a parallel burst (any surface, any process) is
 * serialized per agent and cannot overshoot. Callers pass `requesterKey(actor)` as a group-commit key
 * so two creations by one agent never share a batch (in one transaction the lock would not wait).
 */
import type { Actor } from '../actor.js';
import type { Executor, Transaction } from '../db/client.js';
import { countRequests, limitTimes, lockRequester } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';

/** The group-commit keys of a creation by `actor`: one per agent, none for humans (no limits). */
export function requesterKeys(actor: Actor): string[] {
  return actor.kind === 'agent' ? [`requester:${actor.identity}`] : [];
}

/**
 * Throws RATE_LIMITED when an agent is over one of its limits. With `tx` it first takes the agent's
 * lock and counts in `tx`; invariant: with the insert in that same `tx`, no burst exceeds a limit.
 * Without it, an unlocked early check (a cheap refusal before policy evaluation).
 */
export async function assertAgentLimits(
  deps: CoreDeps,
  actor: Actor,
  now: Date,
  tx?: Transaction,
): Promise<void> {
  if (actor.kind !== 'agent') return;
  const l = deps.config.agents.limits;
  if (tx) await lockRequester(tx, actor.identity);
  const exec: Executor = tx ?? deps.db;
  const [open, lastHour, active] = await Promise.all([
    countRequests(exec, actor.identity, { states: ['PENDING', 'APPROVED'] }),
    countRequests(exec, actor.identity, { since: new Date(now.getTime() - 3600_000) }),
    countRequests(exec, actor.identity, { states: ['ACTIVE'] }),
  ]);
  const over = async (what: string, n: number, max: number) => {
    const retry = await retryAfterSeconds(exec, actor, what, now);
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
  exec: Executor,
  actor: Actor,
  what: string,
  now: Date,
): Promise<number | null> {
  if (what === 'open requests') return null;
  const hourAgo = new Date(now.getTime() - 3600_000);
  const t = await limitTimes(exec, actor.identity, hourAgo);
  const at =
    what === 'active grants' ? t.nextExpiry : t.oldestSince && new Date(t.oldestSince.getTime() + 3600_000);
  return at ? Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000)) : null;
}
