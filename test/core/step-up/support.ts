/**
 * Step-up test support (ADR 0050), shared by the step-up suites (and usable by others, e.g. the Slack
 * matrix): a policy set that marks requests step_up from their metadata, fresh and stale actors on a
 * harness clock, and reading a request's step-up links back.
 */
import { sql } from 'drizzle-orm';
import type { Actor } from '../../../src/core/actor.js';
import { type Database, sqlRows } from '../../../src/core/db/client.js';
import type { ApprovalDecision, PolicyInput, PolicySet } from '../../../src/core/policy/types.js';
import { testPolicies } from '../requests/fixtures.js';

/** testPolicies() plus `step_up` when the request's metadata says `step_up: yes` (and groups, as in ADR 0044 tests). */
export function stepUpPolicies(base: PolicySet = testPolicies()): PolicySet {
  return {
    ...base,
    approval(input: PolicyInput): ApprovalDecision {
      const m = input.request.metadata;
      return {
        ...base.approval(input),
        ...(m.groups ? { approverGroups: m.groups.split(',') } : {}),
        stepUp: m.step_up === 'yes',
      };
    },
  };
}

/** `who` as if signed in to the IdP `ageSeconds` before `now` (what the verifier puts on the actor). */
export const signedIn = (who: Actor, now: Date, ageSeconds: number): Actor => ({
  ...who,
  authTime: Math.floor(now.getTime() / 1000) - ageSeconds,
});

/** A clock that follows the wall clock plus an offset tests move (real IdP tokens carry real times). */
export class WallClock {
  t = 0;
  offset = 0;
  now = (): Date => new Date(Date.now() + this.offset);
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** The step-up links issued for a request: who, what, and whether used (never the token: only its hash is kept). */
export function linksOf(db: Database, requestId: string) {
  return sqlRows<{ principal: string; decision: string; used: boolean; expires_at: string }>(
    db,
    sql`select principal, decision, used_at is not null as used, expires_at from step_up_links where request_id = ${requestId} order by created_at`,
  );
}
