/** escalateRequest: an AI reviewer (or an admin) hands an ai_review request to human approvers. */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { lockRequest, updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { safeText } from '../validation/text.js';
import { isAiReviewer, isOwnRequest } from './access.js';
import { decidedView, decisionReasoning, recordDecision } from './decide.js';
import { loadVisible, parseInput } from './load.js';
import { transact } from './tx.js';
import type { RequestView } from './view.js';

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
      // Not lockPendingForDecision: escalation is not an approve/deny, and it needs the ai_review tier.
      const cur = (await lockRequest(tx, v.id))!;
      if (cur.state !== 'PENDING' || cur.approverTier !== 'ai_review')
        throw new AppError(
          'CONFLICT',
          `request ${cur.id} is ${cur.state} with approver tier ${cur.approverTier}; only PENDING ai_review requests can be escalated`,
          { details: { state: cur.state, approver_tier: cur.approverTier } },
        );
      const reasoning = decisionReasoning(actor, v.reasoning, v.comment);
      const r = await updateRequest(tx, cur.id, { approverTier: 'human', escalateAt: null }, now);
      await recordDecision(tx, actor, cur, {
        decision: 'escalate',
        comment: v.comment,
        reasoning,
        now,
        details: { from: 'ai_review', to: 'human' },
      });
      return r;
    },
    [v.id],
  );
  return decidedView(deps, row);
}
