/**
 * reviewBreakGlass (ADR 0050): break-glass skips approval, so someone reviews it after the fact —
 * an admin who is not of the requester's party (not them, nor an agent's controllers), with a fresh
 * IdP sign-in (the step-up rule). The review is the audit event `break_glass.reviewed`; judged
 * `unjustified`, a grant still ACTIVE is revoked in the same transaction's intent (then the
 * provider call, as revokeRequest does). Refusals of a known reviewer are audited.
 */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { lockRequest, type RequestRow } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { isOwnRequest } from '../requests/access.js';
import type { LockedStep } from '../requests/decision-lock.js';
import { Refusal } from '../requests/decision-lock.js';
import { loadVisible, parseInput } from '../requests/load.js';
import { claimRevocation } from '../requests/revoke.js';
import { revokeGrants } from '../requests/revoke-flow.js';
import { auditRequest, transact } from '../requests/tx.js';
import { type RequestView, toRequestView } from '../requests/view.js';
import { safeText } from '../validation/text.js';
import { staleSignIn } from './fresh-sign-in.js';

export const ReviewBreakGlassInput = z
  .object({
    id: z.string().min(1).max(64),
    outcome: z.enum(['justified', 'unjustified']),
    comment: safeText(4096).trim().min(1, 'a review needs a comment'),
  })
  .strict();

export const BREAK_GLASS_REVIEWED = 'break_glass.reviewed';
export const BREAK_GLASS_REVIEW_REFUSED = 'break_glass.review_refused';

export interface BreakGlassReview {
  request: RequestView;
  outcome: 'justified' | 'unjustified';
  /** True when this review took an ACTIVE grant away. */
  revoked: boolean;
}

/** Why `actor` may not review `row`, or undefined. */
function refusal(deps: CoreDeps, actor: Actor, row: RequestRow): AppError | undefined {
  if (actor.kind !== 'human' || !actor.isAdmin)
    return new AppError('FORBIDDEN', 'only an admin reviews break-glass access');
  if (isOwnRequest(actor, row))
    return new AppError('FORBIDDEN', 'you cannot review break-glass access of your own party');
  return staleSignIn(deps, actor, 'review');
}

/** Records `actor`'s review of break-glass request `id`; invariant: every review and refusal is audited. */
export async function reviewBreakGlass(
  deps: CoreDeps,
  actor: Actor,
  input: unknown,
  opts: { locked?: LockedStep } = {},
): Promise<BreakGlassReview> {
  const v = parseInput(ReviewBreakGlassInput, input);
  const { row, approvals } = await loadVisible(deps, actor, v.id);
  if (!row.breakGlass)
    throw new AppError(
      'CONFLICT',
      `request ${row.id} is not a break-glass request; there is nothing to review`,
    );
  const refused = refusal(deps, actor, row);
  if (refused) {
    await transact(
      deps,
      (tx) =>
        auditRequest(tx, actor, row, {
          action: BREAK_GLASS_REVIEW_REFUSED,
          outcome: 'denied',
          details: { outcome: v.outcome, code: refused.code, reason: refused.message },
        }),
      [row.id],
    );
    throw refused;
  }
  const out = await transact(
    deps,
    async (tx) => {
      const cur = (await lockRequest(tx, v.id))!;
      const now = deps.now();
      const stop = await opts.locked?.(tx, cur, now);
      if (stop instanceof Refusal) return { refused: stop.error };
      const revoke = v.outcome === 'unjustified' && cur.state === 'ACTIVE' && cur.endReason === null;
      const claimed = revoke
        ? await claimRevocation(
            deps,
            tx,
            actor,
            cur,
            { reason: `break-glass review: unjustified`, by_admin: true },
            now,
          )
        : null;
      await auditRequest(tx, actor, cur, {
        action: BREAK_GLASS_REVIEWED,
        outcome: 'success',
        details: { outcome: v.outcome, comment: v.comment, revoked: revoke, state: cur.state },
      });
      return { claimed, row: cur };
    },
    [v.id],
  );
  if ('refused' in out) throw out.refused;
  let after = out.claimed ?? out.row;
  if (out.claimed)
    [after] = (await revokeGrants(deps, [out.claimed], {
      actor: actor.identity,
      actorKind: actor.kind,
    })) as [RequestRow];
  return { request: toRequestView(after, approvals), outcome: v.outcome, revoked: out.claimed !== null };
}
