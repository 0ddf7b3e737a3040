/** denyRequest: an approver rejects a PENDING request, with a reason the requester will see. */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { safeJsonObject, safeText } from '../validation/text.js';
import { decidableTiers } from './access.js';
import { authorizeDecision, decidedView, decisionReasoning, recordDecision } from './decide.js';
import { type DecideOptions, decideUnderLock } from './decision-lock.js';
import { parseInput } from './load.js';
import { assertTransition } from './states.js';
import type { RequestView } from './view.js';

export const DenyRequestInput = z
  .object({
    id: z.string().min(1).max(64),
    reason: safeText(4096).trim().min(1, 'a reason is required when denying'),
    reasoning: safeJsonObject().optional(),
  })
  .strict();

/** Denies a PENDING request; invariant: only someone who could approve it may deny it. */
export async function denyRequest(
  deps: CoreDeps,
  actor: Actor,
  input: unknown,
  opts: DecideOptions = {},
): Promise<RequestView> {
  if (decidableTiers(actor).length === 0)
    throw new AppError('FORBIDDEN', 'this identity may not deny requests');
  const v = parseInput(DenyRequestInput, input);
  const { decidedBy, checkedTier } = await authorizeDecision(deps, actor, v.id, 'deny');
  const reasoning = decisionReasoning(actor, v.reasoning, v.reason);
  const row = await decideUnderLock(deps, actor, v.id, 'deny', checkedTier, async (tx, cur, now) => {
    const refused = await opts.locked?.(tx, cur, now);
    if (refused) return refused;
    assertTransition(cur.state, 'REJECTED', cur.id);
    const r = await updateRequest(
      tx,
      cur.id,
      { state: 'REJECTED', endedAt: now, endReason: 'denied', pendingExpiresAt: null, escalateAt: null },
      now,
    );
    await recordDecision(tx, actor, cur, {
      decision: 'deny',
      comment: v.reason,
      reasoning,
      now,
      details: { approver_tier: cur.approverTier, decided_by: decidedBy },
    });
    return r;
  });
  return decidedView(deps, row);
}
