/**
 * Asking the live eligibility and approval policies hypothetical questions: "could this principal
 * ask for that?", "for how long at most?", "who would approve it?". Pure policy evaluation, no
 * database; a policy that throws for one question counts as a denial for that question only.
 */
import type { ApproverTier, Decision, PolicyInput, PolicySet } from '../policy/types.js';
import { decideAt, policyInput } from '../requests/policy-input.js';

/** Durations are probed to the minute; nothing shorter is offered. */
export const PROBE_STEP_SECONDS = 60;

export interface Probe {
  policies: PolicySet;
  user: PolicyInput['user'];
  trustTier: number;
  now: Date;
}

/** The eligibility decision for `request`, or a denial when the policy fails to evaluate. */
export function eligibilityOf(p: Probe, request: PolicyInput['request']): Decision {
  try {
    return p.policies.eligibility(policyInput(p.user, request, p.trustTier, p.now), decideAt(p.now));
  } catch (e) {
    const why = `policy evaluation failed: ${(e as Error).message}`;
    return { allow: false, reason: why, reasons: [why], decidedBy: [], defined: false };
  }
}

/** Who would approve `request` (the routing of the approval policy); `human` when it fails. */
export function approverTierOf(p: Probe, request: PolicyInput['request']): ApproverTier {
  try {
    return p.policies.approval(policyInput(p.user, request, p.trustTier, p.now), decideAt(p.now))
      .approverTier;
  } catch {
    return 'human';
  }
}

/**
 * The longest duration ≤ `upper` that eligibility allows for `request`, to the minute, or null when
 * not even one minute is allowed. Assumes a longer duration is never allowed where a shorter one
 * is denied (true of duration caps); costs one evaluation when `upper` itself is allowed.
 */
export function longestAllowed(p: Probe, request: PolicyInput['request'], upper: number): number | null {
  const at = (s: number) => eligibilityOf(p, { ...request, duration_seconds: s }).allow;
  if (upper <= 0) return null;
  if (at(upper)) return upper;
  let lo = Math.min(PROBE_STEP_SECONDS, upper);
  if (lo === upper || !at(lo)) return null;
  let hi = upper; // denied
  while (hi - lo > PROBE_STEP_SECONDS) {
    const mid = lo + Math.floor((hi - lo) / 2 / PROBE_STEP_SECONDS) * PROBE_STEP_SECONDS;
    if (mid <= lo) break;
    if (at(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
