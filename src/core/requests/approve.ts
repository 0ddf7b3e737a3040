/** approveRequest: one approval moves PENDING → APPROVED and issues the grant, exactly once. */
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
import { issueGrants } from './grant-flow.js';
import { loadVisible, parseInput } from './load.js';
import { assertTransition } from './states.js';
import { audit, transact } from './tx.js';
import { type RequestView, toRequestView } from './view.js';

export const ApproveRequestInput = z
  .object({
    id: z.string().min(1).max(64),
    comment: safeText(4096).default(''),
    /** An AI reviewer's structured reasoning, kept with its decision and in the audit row. */
    reasoning: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** Approves a PENDING request; invariant: under any concurrency exactly one approval wins and grants. */
export async function approveRequest(deps: CoreDeps, actor: Actor, input: unknown): Promise<RequestView> {
  if (decidableTiers(actor).length === 0)
    throw new AppError('FORBIDDEN', 'this identity may not approve requests');
  const v = parseInput(ApproveRequestInput, input);
  const { row: seen } = await loadVisible(deps, actor, v.id, { asDecider: true });
  const decidedBy = await authorizeDecision(deps, actor, seen, 'approve');
  const reasoning = decisionReasoning(actor, v.reasoning, v.comment);
  const now = deps.now();
  const approved = await transact(
    deps,
    async (tx) => {
      const cur = await lockPendingForDecision(tx, actor, v.id, 'approve');
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
      await insertApproval(tx, {
        id: newId('apr'),
        requestId: cur.id,
        actorIdentity: actor.identity,
        actorKind: actor.kind,
        onBehalfOf: actor.agent?.owner ?? null,
        decision: 'approve',
        comment: v.comment,
        reasoning: reasoning ?? null,
        createdAt: now,
      });
      await audit(tx, {
        actor: actor.identity,
        actorKind: actor.kind,
        onBehalfOf: actor.agent?.owner,
        action: 'request.approved',
        requestId: cur.id,
        provider: cur.provider,
        resourceScope: cur.resourceScope,
        outcome: 'success',
        details: {
          comment: v.comment,
          approver_tier: cur.approverTier,
          decided_by: decidedBy,
          ...(reasoning ? { reasoning } : {}),
        },
      });
      return r;
    },
    [v.id],
  );
  const [after] = await issueGrants(deps, [approved], {
    actor: actor.identity,
    actorKind: actor.kind,
    onBehalfOf: actor.agent?.owner,
  });
  const approvals = (await listApprovals(deps.db, [v.id])).get(v.id) ?? [];
  return toRequestView(after!, approvals);
}
