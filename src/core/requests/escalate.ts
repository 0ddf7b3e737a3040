/** escalateRequest: an AI reviewer (or an admin) hands an ai_review request to human approvers. */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { insertApproval, listApprovals } from '../db/approvals-repo.js';
import { lockRequest, updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { safeText } from '../validation/text.js';
import { isAiReviewer, isOwnRequest } from './access.js';
import { decisionReasoning } from './decide.js';
import { loadVisible, parseInput } from './load.js';
import { audit, transact } from './tx.js';
import { type RequestView, toRequestView } from './view.js';

export const EscalateRequestInput = z
  .object({
    id: z.string().min(1).max(64),
    comment: safeText(4096).default(''),
    reasoning: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** Moves a PENDING ai_review request to the human tier; invariant: it stays PENDING. */
export async function escalateRequest(deps: CoreDeps, actor: Actor, input: unknown): Promise<RequestView> {
  if (!isAiReviewer(actor) && !actor.isAdmin)
    throw new AppError('FORBIDDEN', 'only AI reviewers and admins can escalate requests');
  const v = parseInput(EscalateRequestInput, input);
  const { row: seen } = await loadVisible(deps, actor, v.id, { asDecider: true });
  if (isOwnRequest(actor, seen)) throw new AppError('FORBIDDEN', 'you cannot escalate your own request');
  const now = deps.now();
  const row = await transact(
    deps,
    async (tx) => {
      const cur = (await lockRequest(tx, v.id))!;
      if (cur.state !== 'PENDING' || cur.approverTier !== 'ai_review')
        throw new AppError(
          'CONFLICT',
          `request ${cur.id} is ${cur.state} with approver tier ${cur.approverTier}; only PENDING ai_review requests can be escalated`,
          { details: { state: cur.state, approver_tier: cur.approverTier } },
        );
      const reasoning = decisionReasoning(actor, v.reasoning, v.comment);
      const r = await updateRequest(tx, cur.id, { approverTier: 'human', escalateAt: null }, now);
      await insertApproval(tx, {
        id: newId('apr'),
        requestId: cur.id,
        actorIdentity: actor.identity,
        actorKind: actor.kind,
        onBehalfOf: actor.agent?.owner ?? null,
        decision: 'escalate',
        comment: v.comment,
        reasoning: reasoning ?? null,
        createdAt: now,
      });
      await audit(tx, {
        actor: actor.identity,
        actorKind: actor.kind,
        onBehalfOf: actor.agent?.owner,
        action: 'request.escalated',
        requestId: cur.id,
        provider: cur.provider,
        resourceScope: cur.resourceScope,
        outcome: 'success',
        details: {
          from: 'ai_review',
          to: 'human',
          comment: v.comment,
          ...(reasoning ? { reasoning } : {}),
        },
      });
      return r;
    },
    [v.id],
  );
  return toRequestView(row, (await listApprovals(deps.db, [v.id])).get(v.id) ?? []);
}
