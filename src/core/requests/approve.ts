/** approveRequest: one approval moves PENDING → APPROVED and issues the grant, exactly once. */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { safeJsonObject, safeText } from '../validation/text.js';
import { decidableTiers } from './access.js';
import { authorizeDecision, decidedView, decisionReasoning, recordDecision } from './decide.js';
import { decideUnderLock } from './decision-lock.js';
import { issueGrants } from './grant-flow.js';
import { parseInput } from './load.js';
import { assertTransition } from './states.js';
import type { RequestView } from './view.js';

export const ApproveRequestInput = z
  .object({
    id: z.string().min(1).max(64),
    comment: safeText(4096).default(''),
    /** An AI reviewer's structured reasoning, kept with its decision and in the audit row. */
    reasoning: safeJsonObject().optional(),
  })
  .strict();

/** Approves a PENDING request; invariant: under any concurrency exactly one approval wins and grants. */
export async function approveRequest(deps: CoreDeps, actor: Actor, input: unknown): Promise<RequestView> {
  if (decidableTiers(actor).length === 0)
    throw new AppError('FORBIDDEN', 'this identity may not approve requests');
  const v = parseInput(ApproveRequestInput, input);
  const { decidedBy, checkedTier } = await authorizeDecision(deps, actor, v.id, 'approve');
  const reasoning = decisionReasoning(actor, v.reasoning, v.comment);
  const approved = await decideUnderLock(deps, actor, v.id, 'approve', checkedTier, async (tx, cur, now) => {
    assertTransition(cur.state, 'APPROVED', cur.id);
    const r = await updateRequest(
      tx,
      cur.id,
      {
        state: 'APPROVED',
        approvedAt: now,
        pendingExpiresAt: null,
        escalateAt: null,
        grantAttempts: 1,
        nextAttemptAt: new Date(now.getTime() + deps.config.sweeper.lease_seconds * 1000),
      },
      now,
    );
    await recordDecision(tx, actor, cur, {
      decision: 'approve',
      comment: v.comment,
      reasoning,
      now,
      details: { approver_tier: cur.approverTier, decided_by: decidedBy },
    });
    return r;
  });
  const [after] = await issueGrants(deps, [approved], {
    actor: actor.identity,
    actorKind: actor.kind,
    onBehalfOf: actor.agent?.owner,
  });
  return decidedView(deps, after!);
}
