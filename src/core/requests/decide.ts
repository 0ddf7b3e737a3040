/**
 * What the deciding verbs share. Approve and deny: the caller must be allowed to decide this request
 * (not their own, a tier they may decide) and, for humans, the approval policy must allow them as
 * approver — with the requester visible to the policy as `context.requester`. A request the caller
 * may not see is NOT_FOUND, as for getRequest. Approve, deny and escalate: a decision is an approval
 * row and its audit event, written together, under the lock of decision-lock.ts.
 */
import type { Actor } from '../actor.js';
import { partyOfActor } from '../agents/controllers.js';
import {
  type ApprovalRow,
  insertApproval,
  listApprovals,
  type NewApprovalRow,
} from '../db/approvals-repo.js';
import type { Transaction } from '../db/client.js';
import type { RequestRow } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { asPolicyError } from '../policy/policy-error.js';
import type { ApprovalDecision } from '../policy/types.js';
import { staleSignIn } from '../step-up/fresh-sign-in.js';
import { assertMayDecide, decidableTiers } from './access.js';
import { loadVisible } from './load.js';
import { approvalPolicyInput } from './may-decide.js';
import { overdueAt } from './pending-deadlines.js';
import { decisionErrorBase, recordPolicyError } from './policy-failure.js';
import { decideAt } from './policy-input.js';
import { secondApproval } from './quorum.js';
import { refusedAudited } from './refusal-audit.js';
import { actedBy, auditRequest, transact } from './tx.js';
import { type RequestView, toRequestView } from './view.js';

type Decision = NewApprovalRow['decision'];

const AUDIT_ACTION: Readonly<Record<Decision, string>> = {
  approve: 'request.approved',
  deny: 'request.denied',
  escalate: 'request.escalated',
};

/**
 * The reasoning stored with a decision. An agent must give one (structured, or at least a comment,
 * kept as `{ text }`), so every AI decision carries it on the approval row and in the audit hash.
 */
export function decisionReasoning(
  actor: Actor,
  reasoning: Record<string, unknown> | undefined,
  comment: string,
): Record<string, unknown> | undefined {
  if (reasoning && Object.keys(reasoning).length > 0) return reasoning;
  if (actor.kind !== 'agent') return reasoning;
  const text = comment.trim();
  if (!text)
    throw new AppError('VALIDATION', 'an AI reviewer must give its reasoning with every decision', {
      details: { field: 'reasoning' },
    });
  return { text };
}

/** What authorizeDecision checked: the deciding modules, and the approver tier the policy saw. */
export interface DecisionAuthorization {
  decidedBy: string[];
  /** null: the request was already overdue, no policy ran, and the locked step refuses it. */
  checkedTier: RequestRow['approverTier'] | null;
  /** The policy's view, when one ran: the actor's trust tier and the approvals it was shown. */
  checked?: { trustTier: number; approvals: ApprovalRow[] };
}

/**
 * Throws unless `actor` may approve/deny request `id`. A request the actor may not see answers
 * NOT_FOUND exactly as getRequest does, before anything is evaluated or audited.
 */
export async function authorizeDecision(
  deps: CoreDeps,
  actor: Actor,
  id: string,
  verb: 'approve' | 'deny',
): Promise<DecisionAuthorization> {
  let row: RequestRow;
  let approvals: ApprovalRow[];
  try {
    ({ row, approvals } = await loadVisible(deps, actor, id));
  } catch (e) {
    // Visibility asks the approval policy too: its failure is this decision's failure, not a 404.
    const err = asPolicyError(e);
    if (!err) throw e;
    throw await recordPolicyError(
      deps,
      err,
      'approval',
      { ...actedBy(actor), requestId: id },
      { attempted: verb },
    );
  }
  // Refusals of who is deciding are audited, in a transaction of their own (ADR 0047). Before the
  // policy: a second approval is refused as such, with only its refusal written (ADR 0044).
  await refusedAudited(deps, actor, row, verb, () => {
    assertMayDecide(actor, row, verb);
    // Step-up (ADR 0050): approving needs a fresh IdP sign-in; a denial fails closed and needs none.
    const stale = verb === 'approve' && row.stepUp ? staleSignIn(deps, actor, 'approval') : undefined;
    if (stale) return stale;
    return verb === 'approve' && row.state === 'PENDING' ? secondApproval(actor, row, approvals) : undefined;
  });
  if (row.state !== 'PENDING')
    throw new AppError(
      'CONFLICT',
      `request ${row.id} is ${row.state}; only PENDING requests can be ${verb === 'approve' ? 'approved' : 'denied'}`,
      {
        details: { state: row.state },
      },
    );
  const now = deps.now();
  // Past a deadline the sweeper has not acted on yet: the request is judged as the sweeper will
  // leave it (escalated: the human tier), or, when this actor's decision is late, not at all.
  const due = overdueAt(row, now);
  if (due === 'expire' || (due === 'escalate' && !decidableTiers(actor).includes('human')))
    return { decidedBy: [], checkedTier: null };
  const seen: RequestRow = due === 'escalate' ? { ...row, approverTier: 'human' } : row;
  // Policy applies to every approver, AI reviewers included (input.user.kind "agent").
  if (actor.kind === 'system') return { decidedBy: [], checkedTier: seen.approverTier };
  const { input, tier } = await approvalPolicyInput(deps, actor, seen, approvals, now);
  let d: ApprovalDecision;
  try {
    d = deps.policies.current().approval(input, decideAt(now));
  } catch (e) {
    // Fails closed: recorded like a denial (its own transaction, nothing else written), then refused.
    const err = asPolicyError(e);
    if (!err) throw e;
    const base = decisionErrorBase(actor, row);
    throw await recordPolicyError(deps, err, 'approval', base, { attempted: verb });
  }
  if (d.allow)
    return {
      decidedBy: d.decidedBy,
      checkedTier: seen.approverTier,
      checked: { trustTier: tier, approvals },
    };
  await transact(deps, (tx) =>
    auditRequest(tx, actor, row, {
      action: 'approval.denied_by_policy',
      outcome: 'denied',
      details: { attempted: verb, reasons: d.reasons, decided_by: d.decidedBy, trust_tier: tier },
    }),
  );
  throw new AppError('POLICY_DENIED', `you may not ${verb} this request: ${d.reason}`, {
    details: { reasons: d.reasons, decided_by: d.decidedBy },
  });
}

/**
 * Writes one decision on the locked row `cur` in `tx`: its approval row and its audit event
 * (`details` plus the comment and any reasoning); invariant: neither is written without the other.
 */
export async function recordDecision(
  tx: Transaction,
  actor: Actor,
  cur: RequestRow,
  d: {
    decision: Decision;
    comment: string;
    reasoning: Record<string, unknown> | undefined;
    now: Date;
    details: Record<string, unknown>;
    /** Instead of the decision's own action (an approval below quorum: `request.approval_recorded`). */
    action?: string;
  },
): Promise<void> {
  await insertApproval(tx, {
    id: newId('apr'),
    requestId: cur.id,
    actorIdentity: actor.identity,
    actorKind: actor.kind,
    onBehalfOf: actor.agent?.owner ?? null,
    actorGroups: [...actor.groups],
    actorParty: [...partyOfActor(actor)],
    decision: d.decision,
    comment: d.comment,
    reasoning: d.reasoning ?? null,
    createdAt: d.now,
  });
  await auditRequest(tx, actor, cur, {
    action: d.action ?? AUDIT_ACTION[d.decision],
    outcome: 'success',
    details: { ...d.details, comment: d.comment, ...(d.reasoning ? { reasoning: d.reasoning } : {}) },
  });
}

/** The view of a request just decided, with its approvals read again (they include this decision). */
export async function decidedView(deps: CoreDeps, row: RequestRow): Promise<RequestView> {
  return toRequestView(row, (await listApprovals(deps.db, [row.id])).get(row.id) ?? []);
}
