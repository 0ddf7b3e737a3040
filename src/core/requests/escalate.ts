/** escalateRequest: an AI reviewer (or an admin) hands an ai_review request to human approvers. */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { safeJsonObject, safeText } from '../validation/text.js';
import { assertNotOwnParty, isAiReviewer } from './access.js';
import { decidedView, decisionReasoning, recordDecision } from './decide.js';
import { decideUnderLock } from './decision-lock.js';
import { loadVisible, parseInput } from './load.js';
import { refusedAudited } from './refusal-audit.js';
import type { RequestView } from './view.js';

export const EscalateRequestInput = z
  .object({
    id: z.string().min(1).max(64),
    comment: safeText(4096).default(''),
    reasoning: safeJsonObject().optional(),
  })
  .strict();

/** Moves a PENDING ai_review request to the human tier; invariant: it stays PENDING. */
export async function escalateRequest(deps: CoreDeps, actor: Actor, input: unknown): Promise<RequestView> {
  if (!isAiReviewer(actor) && !actor.isAdmin)
    throw new AppError('FORBIDDEN', 'only AI reviewers and admins can escalate requests');
  const v = parseInput(EscalateRequestInput, input);
  const { row: seen } = await loadVisible(deps, actor, v.id, { asDecider: true });
  await refusedAudited(deps, actor, seen, 'escalate', () => {
    assertNotOwnParty(actor, seen, 'escalate');
    return undefined;
  });
  const row = await decideUnderLock(deps, actor, v.id, 'escalate', null, async (tx, cur, now) => {
    // Checked here, after the state (a second escalation is a CONFLICT first); nothing is written
    // yet when this runs: for an escalation, any passed deadline was refused before.
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
  });
  return decidedView(deps, row);
}
