/**
 * Refused Slack interactions that no core verb sees (ADR 0056): a request that fails Slack's
 * signature check (missing, forged, stale, replayed), and a click by a Slack user who names no
 * jitsudo person. There is no jitsudo actor to audit them as, and anyone on the network can send
 * the first kind, so they are audited under a per-process, per-reason bound (refusal-limiter.ts):
 * the trail gets evidence and counts, never rows without limit. Refusals of a known person (their
 * own request, the policy) are core's own audit rows (ADR 0047), not these.
 */
import { z } from 'zod';
import type { CoreDeps } from '../deps.js';
import { audit, transact } from '../requests/tx.js';
import type { RefusalLimiter } from './refusal-limiter.js';

export const SLACK_INTERACTION_REFUSED = 'slack.interaction_refused';

/**
 * Why Slack's request was refused: the first four before anyone is identified; `unknown_user` a
 * Slack user naming no jitsudo person; `may_not_decide` a person core answered NOT_FOUND (a request
 * they may not decide is hidden from them, and core audits no hidden request: ADR 0047).
 */
export const SlackRefusalReason = z.enum([
  'missing_signature',
  'bad_signature',
  'stale_timestamp',
  'replayed',
  'unknown_user',
  'may_not_decide',
]);
export type SlackRefusalReason = z.infer<typeof SlackRefusalReason>;

export const SlackRefusal = z
  .object({
    reason: SlackRefusalReason,
    /** Only from a request whose signature held (Slack vouches for it). */
    slackUserId: z
      .string()
      .regex(/^[UW][A-Z0-9]{2,30}$/)
      .optional(),
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,64}$/)
      .optional(),
    // review: a break-glass alert's Review button (ADR 0050).
    attempted: z.enum(['approve', 'deny', 'review']).optional(),
    /** The jitsudo person the Slack user is (may_not_decide). */
    identity: z.string().min(1).max(320).optional(),
  })
  .strict();
export type SlackRefusal = z.infer<typeof SlackRefusal>;

/**
 * Audits a refused Slack interaction unless its reason is over the bound (then only counted, and
 * the next row of that reason carries the count); returns whether a row was written. Invariant:
 * per process at most `perWindow` rows per reason per window, and no count is dropped by a failed
 * write (it is handed back to the limiter and the error rethrown).
 */
export async function recordSlackRefusal(
  deps: CoreDeps,
  limiter: RefusalLimiter,
  input: SlackRefusal,
): Promise<boolean> {
  const r = SlackRefusal.parse(input);
  // Signature failures carry nothing trustworthy: who and what are recorded only once Slack vouched.
  const verified = r.reason === 'unknown_user' || r.reason === 'may_not_decide';
  const person = r.reason === 'may_not_decide' ? r.identity : undefined;
  const admitted = limiter.admit(r.reason, deps.now().getTime());
  if (!admitted.write) return false;
  const { windowMs, perWindow } = limiter.limits;
  try {
    await transact(deps, (tx) =>
      audit(tx, {
        actor: person ?? (verified && r.slackUserId ? `slack:${r.slackUserId}` : 'slack:unverified'),
        actorKind: person ? 'human' : verified ? 'slack_user' : 'unauthenticated',
        action: SLACK_INTERACTION_REFUSED,
        outcome: 'denied',
        ...(verified && r.requestId ? { requestId: r.requestId } : {}),
        details: {
          reason: r.reason,
          ...(verified && r.attempted ? { attempted: r.attempted } : {}),
          ...(person && r.slackUserId ? { slack_user: r.slackUserId } : {}),
          // Refusals of this reason not written as rows since the last one (the bound).
          suppressed: admitted.suppressed,
          bound: { rows: perWindow, window_seconds: windowMs / 1000 },
        },
      }),
    );
  } catch (e) {
    limiter.restore(r.reason, admitted.suppressed + 1);
    throw e;
  }
  return true;
}
