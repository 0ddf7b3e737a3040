/**
 * decideByStepUpLink (ADR 0050): the decision taken on the step-up page. `actor` is built from the
 * ID token of the sign-in the page just asked for (groups included: a fresh IdP sign-in vouches
 * for them, unlike a Slack click). The link is checked, then consumed under its row lock in the
 * transaction of the decision itself — through the same approve/deny/review verbs as every surface
 * — so a link decides at most once, and a decision refused by core leaves it unused.
 */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { lockStepUpLink, markStepUpLinkUsed } from '../db/step-up-links-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { approveRequest } from '../requests/approve.js';
import { type LockedStep, Refusal } from '../requests/decision-lock.js';
import { denyRequest } from '../requests/deny.js';
import { parseInput } from '../requests/load.js';
import { auditRefusal } from '../requests/refusal-audit.js';
import { auditRequest } from '../requests/tx.js';
import type { RequestView } from '../requests/view.js';
import { safeText } from '../validation/text.js';
import { linkProblem, readStepUpLinkFor } from './read-link.js';
import { BREAK_GLASS_REVIEW_REFUSED, reviewBreakGlass } from './review-break-glass.js';

export const DecideByStepUpLinkInput = z
  .object({
    token: z.string().min(1).max(200),
    /** approve / deny on a decision link; justified / unjustified on a break-glass review link. */
    decision: z.enum(['approve', 'deny', 'justified', 'unjustified']),
    comment: safeText(4096).trim().default(''),
  })
  .strict();

/** Decides (or reviews) the link's request as `actor`; invariant: one link, at most one decision. */
export async function decideByStepUpLink(deps: CoreDeps, actor: Actor, input: unknown): Promise<RequestView> {
  const v = parseInput(DecideByStepUpLinkInput, input);
  const { link } = await readStepUpLinkFor(deps, actor, v.token);
  const review = v.decision === 'justified' || v.decision === 'unjustified';
  if ((link.decision === 'review') !== review)
    throw new AppError(
      'VALIDATION',
      link.decision === 'review'
        ? 'this link is for a break-glass review: choose justified or unjustified'
        : 'this link is for a decision: choose approve or deny',
    );
  const consume: LockedStep = async (tx, cur, now) => {
    const l = await lockStepUpLink(tx, link.idHash);
    const problem = l ? linkProblem(l, now) : new AppError('NOT_FOUND', 'this link is unknown');
    if (problem) {
      // Kept with the transaction (a Refusal commits it): the second use of a link is audited.
      if (review)
        await auditRequest(tx, actor, cur, {
          action: BREAK_GLASS_REVIEW_REFUSED,
          outcome: 'denied',
          details: { outcome: v.decision, code: problem.code, reason: problem.message },
        });
      else await auditRefusal(tx, actor, cur, v.decision as 'approve' | 'deny', problem);
      return new Refusal(problem);
    }
    await markStepUpLinkUsed(tx, link.idHash, now);
    return undefined;
  };
  const id = link.requestId;
  if (v.decision === 'justified' || v.decision === 'unjustified')
    return (
      await reviewBreakGlass(
        deps,
        actor,
        { id, outcome: v.decision, comment: v.comment || 'reviewed after a step-up sign-in' },
        { locked: consume },
      )
    ).request;
  return v.decision === 'approve'
    ? approveRequest(
        deps,
        actor,
        { id, comment: v.comment || 'approved after a step-up sign-in' },
        { locked: consume },
      )
    : denyRequest(
        deps,
        actor,
        { id, reason: v.comment || 'denied after a step-up sign-in' },
        { locked: consume },
      );
}
