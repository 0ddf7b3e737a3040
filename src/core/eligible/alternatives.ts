/**
 * The nearest allowed alternatives to a request policy denied: the same access for a shorter time,
 * the same access without break-glass, or another role from the catalog on the same provider that
 * policy allows (same scope first, then the least approval friction). Lets an agent self-correct
 * instead of retrying blindly.
 */
import type { Config } from '../config.js';
import type { ApproverTier, PolicyInput } from '../policy/types.js';
import { catalogRequest, entryCeiling } from './list-eligible-access.js';
import { approverTierOf, eligibilityOf, longestAllowed, type Probe } from './probe.js';

export interface AccessAlternative {
  provider: string;
  role: string;
  resource_scope: string;
  duration_seconds: number;
  break_glass: boolean;
  approver_tier: ApproverTier;
  why: string;
}

const TIER_RANK: Record<ApproverTier, number> = { auto: 0, ai_review: 1, human: 2 };
/** Catalog candidates examined per denial at most (each costs a few policy evaluations). */
const MAX_CANDIDATES = 50;

/** Up to `limit` allowed alternatives to the denied `request`; invariant: each one policy allows now. */
export function nearestAlternatives(
  probe: Probe,
  config: Readonly<Config>,
  providers: { has(name: string): boolean },
  request: PolicyInput['request'],
  limit = 3,
): AccessAlternative[] {
  const out: AccessAlternative[] = [];
  const alt = (r: PolicyInput['request'], why: string, tier?: ApproverTier): AccessAlternative => ({
    provider: r.provider,
    role: r.role,
    resource_scope: r.resource_scope,
    duration_seconds: r.duration_seconds,
    break_glass: r.break_glass,
    // Break-glass skips approval altogether.
    approver_tier: tier ?? (r.break_glass ? 'auto' : approverTierOf(probe, r)),
    why,
  });
  if (request.break_glass) {
    const normal = { ...request, break_glass: false };
    if (eligibilityOf(probe, normal).allow)
      out.push(alt(normal, 'the same access without break-glass (it then waits for approval)'));
  }
  const shorter =
    request.duration_seconds > 60 ? longestAllowed(probe, request, request.duration_seconds - 1) : null;
  if (shorter !== null)
    out.push(
      alt({ ...request, duration_seconds: shorter }, `the same access for at most ${shorter} seconds`),
    );

  const candidates: { r: PolicyInput['request']; sameScope: boolean; tier: ApproverTier; order: number }[] =
    [];
  let examined = 0;
  for (const e of config.catalog) {
    if (e.provider !== request.provider || !providers.has(e.provider)) continue;
    for (const scope of e.scopes) {
      if (e.role === request.role && scope === request.resource_scope) continue;
      if (examined++ >= MAX_CANDIDATES) break;
      const ceiling = Math.min(request.duration_seconds, entryCeiling(config, e));
      // Asked with the caller's own reason and metadata: policy may read them.
      const asked = {
        ...catalogRequest(e, scope, ceiling),
        reason: request.reason,
        metadata: request.metadata,
      };
      const max = longestAllowed(probe, asked, ceiling);
      if (max === null) continue;
      const r = { ...asked, duration_seconds: max };
      candidates.push({
        r,
        sameScope: scope === request.resource_scope,
        tier: approverTierOf(probe, r),
        order: examined,
      });
    }
  }
  candidates.sort(
    (a, b) =>
      Number(b.sameScope) - Number(a.sameScope) || TIER_RANK[a.tier] - TIER_RANK[b.tier] || a.order - b.order,
  );
  for (const c of candidates) {
    if (out.length >= limit) break;
    const why = c.sameScope
      ? `role ${c.r.role} on the same scope is allowed`
      : `role ${c.r.role} on scope ${c.r.resource_scope} is allowed`;
    out.push(alt(c.r, why, c.tier));
  }
  return out.slice(0, limit);
}
