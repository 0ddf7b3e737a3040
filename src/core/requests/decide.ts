/**
 * What approve and deny share: the caller must be allowed to decide this request (not their own, a
 * tier they may decide) and, for humans, the approval policy must allow them as approver — with the
 * requester visible to the policy as `context.requester`.
 */
import type { Actor } from '../actor.js';
import { appendAudit } from '../audit/append.js';
import { type RequestRow, readTrustTier } from '../db/requests-repo.js';
import { withTx } from '../db/tx.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { assertMayDecide } from './access.js';
import { decideAt, policyInput, requestInput, userInput } from './policy-input.js';

/** Throws unless `actor` may approve/deny `row`; returns the policy modules that decided (humans). */
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
  // AI reviewers are authorized by their right and the request's tier; humans by policy.
  if (actor.kind !== 'human') return [];
  const now = deps.now();
  const tier = await readTrustTier(deps.db, actor.identity);
  const input = policyInput(userInput(actor), requestInput(row), tier, now, {
    email: row.requesterIdentity,
    groups: row.requesterGroups,
    kind: row.requesterKind,
  });
  const d = deps.policies.current().approval(input, decideAt(now));
  if (d.allow) return d.decidedBy;
  await withTx(deps.db, (tx) =>
    appendAudit(tx, {
      actor: actor.identity,
      actorKind: actor.kind,
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
