/**
 * The one step-up rule (ADR 0050): deciding a step_up request needs an actor whose IdP sign-in is at
 * most `approvals.step_up_max_age_seconds` old, as the credential vouches for it (Actor.authTime).
 * An actor with no sign-in time (a Slack click, an agent, a certificate) is never fresh.
 */
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';

/** Why `actor` is not freshly signed in for a step-up `what`, or undefined when they are. */
export function staleSignIn(
  deps: Pick<CoreDeps, 'config' | 'now'>,
  actor: Actor,
  what: 'approval' | 'review',
): AppError | undefined {
  const max = deps.config.approvals.step_up_max_age_seconds;
  const now = Math.floor(deps.now().getTime() / 1000);
  // A sign-in "from the future" is tolerated only within the verifier's clock skew.
  const skew = deps.config.auth.oidc?.clock_skew_seconds ?? 30;
  const t = actor.authTime;
  if (t !== undefined && t <= now + skew && now - t <= max) return undefined;
  return new AppError(
    'FORBIDDEN',
    `this ${what} needs a fresh sign-in (within the last ${Math.round(max / 60) || 1} min): run \`jitsudo login\` again, or use the link`,
    { details: { step_up: true, max_age_seconds: max } },
  );
}
