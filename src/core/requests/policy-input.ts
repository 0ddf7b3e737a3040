/** Builds the policy input document (src/core/policy/types.ts) for a request. */
import type { Actor } from '../actor.js';
import type { RequestRow } from '../db/requests-repo.js';
import type { PolicyInput } from '../policy/types.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The request part of the input, from a stored row. */
export function requestInput(r: RequestRow): PolicyInput['request'] {
  return {
    provider: r.provider,
    role: r.role,
    resource_scope: r.resourceScope,
    duration_seconds: r.durationSeconds,
    reason: r.reason,
    break_glass: r.breakGlass,
    metadata: r.metadata,
    ...(r.targetFacts ? { target: r.targetFacts } : {}),
    ...(r.extendsRequestId ? { extension: { of: r.extendsRequestId } } : {}),
  };
}

/** The `user` part for an actor (agents carry their name and owner). */
export function userInput(a: Actor): PolicyInput['user'] {
  return {
    email: a.identity,
    groups: [...a.groups],
    // Policies see machines (`service`) as such; the system actor never asks, so it reads as human.
    kind: a.kind === 'system' ? 'human' : a.kind,
    ...(a.agent ? { agent: { name: a.agent.name, owner: a.agent.owner } } : {}),
  };
}

/** The time part: RFC 3339 plus fields for time-of-day rules. */
export function timeInput(now: Date): PolicyInput['context']['time'] {
  return {
    rfc3339: now.toISOString(),
    unix_ns: (BigInt(now.getTime()) * 1_000_000n).toString(),
    weekday: WEEKDAYS[now.getUTCDay()]!,
    hour_utc: now.getUTCHours(),
  };
}

/** The input for a decision by `user` at `trustTier`, with `requester` set when it is someone else. */
export function policyInput(
  user: PolicyInput['user'],
  request: PolicyInput['request'],
  trustTier: number,
  now: Date,
  requester?: { email: string; groups: string[]; kind: 'human' | 'agent' | 'service' },
): PolicyInput {
  return {
    user,
    request,
    context: { trust_tier: trustTier, ...(requester ? { requester } : {}), time: timeInput(now) },
  };
}

/** Options for PolicySet decisions at `now` (so `time.now_ns()` agrees with deps.now()). */
export const decideAt = (now: Date) => ({ nowNs: BigInt(now.getTime()) * 1_000_000n });
