/**
 * approveRequest: an approval is recorded on a PENDING request; the one that makes N distinct
 * eligible approvers (the quorum fixed at creation, ADR 0044) moves it to APPROVED and issues the
 * grant, exactly once. Below the quorum the request stays PENDING.
 */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { listApprovals } from '../db/approvals-repo.js';
import type { Transaction } from '../db/client.js';
import { type RequestRow, updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { safeJsonObject, safeText } from '../validation/text.js';
import { decidableTiers } from './access.js';
import { recheckApproval } from './approve-recheck.js';
import {
  authorizeDecision,
  type DecisionAuthorization,
  decidedView,
  decisionReasoning,
  recordDecision,
} from './decide.js';
import { type DecideOptions, decideUnderLock, Refusal } from './decision-lock.js';
import { issueGrants } from './grant-flow.js';
import { parseInput } from './load.js';
import { countedApprovals, secondApproval } from './quorum.js';
import { auditRefusal } from './refusal-audit.js';
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

/**
 * Approves a PENDING request; invariant: under any concurrency each party approves at most once,
 * and exactly one approval — the one reaching the quorum — transitions the request and grants.
 */
export async function approveRequest(
  deps: CoreDeps,
  actor: Actor,
  input: unknown,
  opts: DecideOptions = {},
): Promise<RequestView> {
  if (decidableTiers(actor).length === 0)
    throw new AppError('FORBIDDEN', 'this identity may not approve requests');
  const v = parseInput(ApproveRequestInput, input);
  const auth = await authorizeDecision(deps, actor, v.id, 'approve');
  const reasoning = decisionReasoning(actor, v.reasoning, v.comment);
  const out = await decideUnderLock(deps, actor, v.id, 'approve', auth.checkedTier, async (tx, cur, now) => {
    const refused = await opts.locked?.(tx, cur, now);
    return refused ?? approveLocked(deps, tx, actor, cur, now, { comment: v.comment, reasoning, auth });
  });
  if (!out.reached) return decidedView(deps, out.row);
  const [after] = await issueGrants(deps, [out.row], {
    actor: actor.identity,
    actorKind: actor.kind,
    onBehalfOf: actor.agent?.owner,
  });
  return decidedView(deps, after!);
}

/**
 * The locked step: refuses a party's second approval (only its refusal audited), asks the policy again when
 * other approvals landed since it was asked, then records this approval — and the transition to
 * APPROVED when it completes the quorum.
 */
async function approveLocked(
  deps: CoreDeps,
  tx: Transaction,
  actor: Actor,
  cur: RequestRow,
  now: Date,
  a: { comment: string; reasoning: Record<string, unknown> | undefined; auth: DecisionAuthorization },
): Promise<{ row: RequestRow; reached: boolean } | Refusal> {
  assertTransition(cur.state, 'APPROVED', cur.id);
  const approvals = (await listApprovals(tx, [cur.id])).get(cur.id) ?? [];
  const counted = countedApprovals(approvals);
  const required = cur.approvalsRequired;
  const again = secondApproval(actor, cur, approvals);
  if (again) {
    // Kept with the transaction (a Refusal commits it): a party's second approval is audited.
    await auditRefusal(tx, actor, cur, 'approve', again);
    return new Refusal(again);
  }
  const rechecked = await recheckApproval(deps, tx, actor, cur, approvals, a.auth, now);
  if (rechecked instanceof Refusal) return rechecked;
  const decidedBy = rechecked?.decidedBy ?? a.auth.decidedBy;
  const reached = counted.length + 1 >= required;
  const row = await updateRequest(
    tx,
    cur.id,
    reached
      ? {
          state: 'APPROVED',
          approvedAt: now,
          pendingExpiresAt: null,
          escalateAt: null,
          grantAttempts: 1,
          nextAttemptAt: new Date(now.getTime() + deps.config.sweeper.lease_seconds * 1000),
        }
      : {},
    now,
  );
  await recordDecision(tx, actor, cur, {
    decision: 'approve',
    comment: a.comment,
    reasoning: a.reasoning,
    now,
    ...(reached ? {} : { action: 'request.approval_recorded' }),
    details: {
      approver_tier: cur.approverTier,
      decided_by: decidedBy,
      approvals: counted.length + 1,
      approvals_required: required,
    },
  });
  return { row, reached };
}
