/**
 * What the deciding verbs share. Approve and deny: the caller must be allowed to decide this request
 * (not their own, a tier they may decide) and, for humans, the approval policy must allow them as
 * approver — with the requester visible to the policy as `context.requester`. Approve, deny and
 * escalate: a decision is an approval row and its audit event, written together.
 */
import type { Actor } from '../actor.js';
import { insertApproval, listApprovals, type NewApprovalRow } from '../db/approvals-repo.js';
import type { Transaction } from '../db/client.js';
import { lockRequest, type RequestRow } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { assertMayDecide } from './access.js';
import { loadVisible } from './load.js';
import { approvalPolicyInput } from './may-decide.js';
import { decideAt } from './policy-input.js';
import { audit, transact } from './tx.js';
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

/** Throws unless `actor` may approve/deny request `id`; returns the policy modules that decided. */
export async function authorizeDecision(
  deps: CoreDeps,
  actor: Actor,
  id: string,
  verb: 'approve' | 'deny',
): Promise<string[]> {
  const { row } = await loadVisible(deps, actor, id, { asDecider: true });
  assertMayDecide(actor, row, verb);
  if (row.state !== 'PENDING')
    throw new AppError(
      'CONFLICT',
      `request ${row.id} is ${row.state}; only PENDING requests can be ${verb === 'approve' ? 'approved' : 'denied'}`,
      {
        details: { state: row.state },
      },
    );
  // Policy applies to every approver, AI reviewers included (input.user.kind "agent").
  if (actor.kind === 'system') return [];
  const now = deps.now();
  const { input, tier } = await approvalPolicyInput(deps, actor, row, now);
  const d = deps.policies.current().approval(input, decideAt(now));
  if (d.allow) return d.decidedBy;
  await transact(deps, (tx) =>
    audit(tx, {
      actor: actor.identity,
      actorKind: actor.kind,
      onBehalfOf: actor.agent?.owner,
      action: 'approval.denied_by_policy',
      requestId: row.id,
      provider: row.provider,
      resourceScope: row.resourceScope,
      outcome: 'denied',
      details: { attempted: verb, reasons: d.reasons, decided_by: d.decidedBy, trust_tier: tier },
    }),
  );
  throw new AppError('POLICY_DENIED', `you may not ${verb} this request: ${d.reason}`, {
    details: { reasons: d.reasons, decided_by: d.decidedBy },
  });
}

/**
 * Locks a request about to be decided; invariant: it is still PENDING and still this actor's to
 * decide (the tier may have changed through escalation since it was first read).
 */
export async function lockPendingForDecision(
  tx: Transaction,
  actor: Actor,
  id: string,
  verb: 'approve' | 'deny',
): Promise<RequestRow> {
  const cur = (await lockRequest(tx, id))!;
  if (cur.state !== 'PENDING')
    throw new AppError('CONFLICT', `request ${cur.id} is already ${cur.state}`, {
      details: { state: cur.state },
    });
  assertMayDecide(actor, cur, verb);
  return cur;
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
  },
): Promise<void> {
  await insertApproval(tx, {
    id: newId('apr'),
    requestId: cur.id,
    actorIdentity: actor.identity,
    actorKind: actor.kind,
    onBehalfOf: actor.agent?.owner ?? null,
    decision: d.decision,
    comment: d.comment,
    reasoning: d.reasoning ?? null,
    createdAt: d.now,
  });
  await audit(tx, {
    actor: actor.identity,
    actorKind: actor.kind,
    onBehalfOf: actor.agent?.owner,
    action: AUDIT_ACTION[d.decision],
    requestId: cur.id,
    provider: cur.provider,
    resourceScope: cur.resourceScope,
    outcome: 'success',
    details: { ...d.details, comment: d.comment, ...(d.reasoning ? { reasoning: d.reasoning } : {}) },
  });
}

/** The view of a request just decided, with its approvals read again (they include this decision). */
export async function decidedView(deps: CoreDeps, row: RequestRow): Promise<RequestView> {
  return toRequestView(row, (await listApprovals(deps.db, [row.id])).get(row.id) ?? []);
}
