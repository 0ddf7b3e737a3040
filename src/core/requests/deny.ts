/** denyRequest: an approver rejects a PENDING request, with a reason the requester will see. */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { insertApproval, listApprovals } from '../db/approvals-repo.js';
import { updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { safeText } from '../validation/text.js';
import { decidableTiers } from './access.js';
import { authorizeDecision, decisionReasoning, lockPendingForDecision } from './decide.js';
import { loadVisible, parseInput } from './load.js';
import { assertTransition } from './states.js';
import { audit, transact } from './tx.js';
import { type RequestView, toRequestView } from './view.js';

export const DenyRequestInput = z
  .object({
    id: z.string().min(1).max(64),
    reason: safeText(4096).trim().min(1, 'a reason is required when denying'),
    reasoning: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** Denies a PENDING request; invariant: only someone who could approve it may deny it. */
export async function denyRequest(deps: CoreDeps, actor: Actor, input: unknown): Promise<RequestView> {
  if (decidableTiers(actor).length === 0)
    throw new AppError('FORBIDDEN', 'this identity may not deny requests');
  const v = parseInput(DenyRequestInput, input);
  const { row: seen } = await loadVisible(deps, actor, v.id, { asDecider: true });
  const decidedBy = await authorizeDecision(deps, actor, seen, 'deny');
  const reasoning = decisionReasoning(actor, v.reasoning, v.reason);
  const now = deps.now();
  const row = await transact(
    deps,
    async (tx) => {
      const cur = await lockPendingForDecision(tx, actor, v.id, 'deny');
      assertTransition(cur.state, 'REJECTED', cur.id);
      const r = await updateRequest(
        tx,
        cur.id,
        { state: 'REJECTED', endedAt: now, endReason: 'denied', pendingExpiresAt: null, escalateAt: null },
        now,
      );
      await insertApproval(tx, {
        id: newId('apr'),
        requestId: cur.id,
        actorIdentity: actor.identity,
        actorKind: actor.kind,
        onBehalfOf: actor.agent?.owner ?? null,
        decision: 'deny',
        comment: v.reason,
        reasoning: reasoning ?? null,
        createdAt: now,
      });
      await audit(tx, {
        actor: actor.identity,
        actorKind: actor.kind,
        onBehalfOf: actor.agent?.owner,
        action: 'request.denied',
        requestId: cur.id,
        provider: cur.provider,
        resourceScope: cur.resourceScope,
        outcome: 'success',
        details: {
          comment: v.reason,
          approver_tier: cur.approverTier,
          decided_by: decidedBy,
          ...(reasoning ? { reasoning } : {}),
        },
      });
      return r;
    },
    [v.id],
  );
  return toRequestView(row, (await listApprovals(deps.db, [v.id])).get(v.id) ?? []);
}
