/**
 * listEligibleAccess: the roles in the configured catalog (`catalog` in config) that this principal
 * may request, each with the longest duration policy allows and who would approve it — computed
 * from the live policies, so an agent need not guess and be denied.
 */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import type { Config } from '../config.js';
import { readTrustTier } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import type { ApproverTier, PolicyInput } from '../policy/types.js';
import { assertRequester } from '../requests/access.js';
import { parseInput } from '../requests/load.js';
import { userInput } from '../requests/policy-input.js';
import { safeText } from '../validation/text.js';
import { approverTierOf, longestAllowed, type Probe } from './probe.js';

/** Questions asked of policy per call at most (catalog entries × scopes); the rest is reported as truncated. */
export const MAX_CATALOG_CHECKS = 500;
/** Routing is reported for a request this long (or the maximum, when shorter). */
export const TYPICAL_DURATION_SECONDS = 3600;
const LISTING_REASON = 'listing eligible access';

export const ListEligibleAccessInput = z
  .object({
    provider: safeText(64).min(1).optional(),
    role: safeText(256).min(1).optional(),
    scope: safeText(1024).optional(),
  })
  .strict();

export interface EligibleEntry {
  provider: string;
  role: string;
  scope: string;
  description: string;
  max_duration_seconds: number;
  /** Who would approve a request of min(1 h, max_duration_seconds). */
  approver_tier: ApproverTier;
}

export interface EligibleAccessView {
  entries: EligibleEntry[];
  /** Catalog entry/scope pairs checked, and how many of them policy does not allow this principal. */
  checked: number;
  not_eligible: number;
  /** True when the catalog was larger than one call checks; narrow with provider/role/scope. */
  truncated: boolean;
  trust_tier: number;
}

export type CatalogEntry = Config['catalog'][number];

/** The longest duration config lets a catalog entry ask for. */
export const entryCeiling = (config: Readonly<Config>, e: CatalogEntry): number =>
  Math.min(
    e.max_duration_seconds ?? config.requests.max_duration_seconds,
    config.requests.max_duration_seconds,
  );

/** The request document policy sees for a catalog entry at one scope. */
export function catalogRequest(e: CatalogEntry, scope: string, duration: number): PolicyInput['request'] {
  return {
    provider: e.provider,
    role: e.role,
    resource_scope: scope,
    duration_seconds: duration,
    reason: LISTING_REASON,
    break_glass: false,
    metadata: {},
  };
}

/** Lists what the caller may request; invariant: read-only, and only entries of configured providers. */
export async function listEligibleAccess(
  deps: CoreDeps,
  actor: Actor,
  input: unknown,
): Promise<EligibleAccessView> {
  assertRequester(actor);
  const v = parseInput(ListEligibleAccessInput, input);
  const probe: Probe = {
    policies: deps.policies.current(),
    user: userInput(actor),
    trustTier: await readTrustTier(deps.db, actor),
    now: deps.now(),
  };
  const entries: EligibleEntry[] = [];
  let checked = 0;
  let truncated = false;
  for (const e of deps.config.catalog) {
    if (!deps.providers.has(e.provider)) continue;
    if (v.provider !== undefined && e.provider !== v.provider) continue;
    if (v.role !== undefined && e.role !== v.role) continue;
    for (const scope of e.scopes) {
      if (v.scope !== undefined && scope !== v.scope) continue;
      if (checked >= MAX_CATALOG_CHECKS) {
        truncated = true;
        break;
      }
      checked++;
      const ceiling = entryCeiling(deps.config, e);
      const max = longestAllowed(probe, catalogRequest(e, scope, ceiling), ceiling);
      if (max === null) continue;
      entries.push({
        provider: e.provider,
        role: e.role,
        scope,
        description: e.description,
        max_duration_seconds: max,
        approver_tier: approverTierOf(
          probe,
          catalogRequest(e, scope, Math.min(TYPICAL_DURATION_SECONDS, max)),
        ),
      });
    }
  }
  return { entries, checked, not_eligible: checked - entries.length, truncated, trust_tier: probe.trustTier };
}
