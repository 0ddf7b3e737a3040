/**
 * issueStepUpLink (ADR 0050): what a Slack Approve click on a step_up request gets instead of a
 * decision — a single-use link, valid `approvals.step_up_link_seconds`, that only the clicker may
 * use after a fresh IdP sign-in. Issuing one decides nothing; it is audited (never the token).
 */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { findRequest } from '../db/requests-repo.js';
import { insertStepUpLink } from '../db/step-up-links-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { parseInput } from '../requests/load.js';
import { auditRequest, transact } from '../requests/tx.js';
import { newLinkToken } from './link-token.js';

export const IssueStepUpLinkInput = z
  .object({ id: z.string().min(1).max(64), decision: z.enum(['approve', 'review']) })
  .strict();

export const STEP_UP_LINK_ISSUED = 'request.step_up_link_issued';

/**
 * A link for `actor` (a person) to take `decision` on request `id` after a fresh sign-in, or null
 * when no step-up is needed (not a step_up request, or no longer PENDING: the plain verb answers).
 */
export async function issueStepUpLink(
  deps: CoreDeps,
  actor: Actor,
  input: unknown,
): Promise<{ token: string; expiresAt: Date } | null> {
  if (actor.kind !== 'human') throw new AppError('FORBIDDEN', 'only a person can sign in for a step-up');
  const v = parseInput(IssueStepUpLinkInput, input);
  const row = await findRequest(deps.db, v.id);
  if (!row) return null;
  if (v.decision === 'approve' && (!row.stepUp || row.state !== 'PENDING')) return null;
  if (v.decision === 'review' && !row.breakGlass) return null;
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + deps.config.approvals.step_up_link_seconds * 1000);
  const { token, idHash } = newLinkToken(deps.keys.tokenKey);
  await transact(
    deps,
    async (tx) => {
      await insertStepUpLink(tx, {
        idHash,
        requestId: row.id,
        decision: v.decision,
        principal: actor.identity,
        createdAt: now,
        expiresAt,
      });
      await auditRequest(tx, actor, row, {
        action: STEP_UP_LINK_ISSUED,
        outcome: 'success',
        details: { decision: v.decision, expires_at: expiresAt.toISOString() },
      });
    },
    [row.id],
  );
  return { token, expiresAt };
}
