/**
 * What approve and deny share: the caller must be allowed to decide this request (not their own, a
 * tier they may decide) and, for humans, the approval policy must allow them as approver — with the
 * requester visible to the policy as `context.requester`.
 */
import type { Actor } from '../actor.js';
import type { Transaction } from '../db/client.js';
import { lockRequest, type RequestRow, readTrustTier } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { assertMayDecide } from './access.js';
import { decideAt, policyInput, requestInput, userInput } from './policy-input.js';
import { audit, transact } from './tx.js';

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

/** Throws unless `actor` may approve/deny `row`; returns the policy modules that decided. */
export async function authorizeDecision(
  deps: CoreDeps,
  actor: Actor,
  row: RequestRow,
  verb: 'approve' | 'deny',
): Promise<string[]> {
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
  const tier = await readTrustTier(deps.db, actor.identity);
  const input = policyInput(userInput(actor), requestInput(row), tier, now, {
    email: row.requesterIdentity,
    groups: row.requesterGroups,
    kind: row.requesterKind,
  });
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
