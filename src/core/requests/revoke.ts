/**
 * revokeRequest: the requester releases an ACTIVE grant early, or an admin takes it away. The row
 * records the intent first; it becomes REVOKED only after the provider confirmed the revoke (a
 * failure is retried by the sweeper and the request reports the pending revocation meanwhile).
 */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import type { Transaction } from '../db/client.js';
import { lockRequest, type RequestRow, updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { safeText } from '../validation/text.js';
import { isRequester } from './access.js';
import { loadVisible, parseInput } from './load.js';
import { revokeGrants } from './revoke-flow.js';
import { auditRequest, transact } from './tx.js';
import { type RequestView, toRequestView } from './view.js';

export const RevokeRequestInput = z
  .object({ id: z.string().min(1).max(64), reason: safeText(4096).default('') })
  .strict();

/**
 * Records the intent to revoke the ACTIVE grant `cur`, locked in `tx` (end_reason `revoked`, a lease
 * for the provider call), and audits it as request.revoke_requested with `details`. The caller then
 * hands the row to revokeGrants once `tx` has committed. Shared with revoking an agent.
 */
export async function claimRevocation(
  deps: CoreDeps,
  tx: Transaction,
  actor: Actor,
  cur: RequestRow,
  details: Record<string, unknown>,
  now: Date,
): Promise<RequestRow> {
  const r = await updateRequest(
    tx,
    cur.id,
    {
      endReason: 'revoked',
      revokeAttempts: cur.revokeAttempts + 1,
      nextAttemptAt: new Date(now.getTime() + deps.config.sweeper.lease_seconds * 1000),
    },
    now,
  );
  await auditRequest(tx, actor, cur, {
    action: 'request.revoke_requested',
    outcome: 'success',
    details,
  });
  return r;
}

/** Revokes an ACTIVE grant; invariant: REVOKED is recorded only after the provider revoke succeeded. */
export async function revokeRequest(deps: CoreDeps, actor: Actor, input: unknown): Promise<RequestView> {
  const v = parseInput(RevokeRequestInput, input);
  const { row: seen, approvals } = await loadVisible(deps, actor, v.id);
  if (!isRequester(actor, seen) && !actor.isAdmin)
    throw new AppError('FORBIDDEN', 'only the requester or an admin can revoke a grant');
  const now = deps.now();
  const claimed = await transact(
    deps,
    async (tx) => {
      const cur = (await lockRequest(tx, v.id))!;
      // Already over, or already being revoked: revoking is idempotent.
      if (
        cur.state === 'REVOKED' ||
        cur.state === 'EXPIRED' ||
        (cur.state === 'ACTIVE' && cur.endReason !== null)
      )
        return null;
      if (cur.state !== 'ACTIVE')
        throw new AppError(
          'CONFLICT',
          cur.state === 'PENDING'
            ? `request ${cur.id} is PENDING; cancel or deny it instead`
            : cur.state === 'APPROVED'
              ? `request ${cur.id} is APPROVED and its grant is still being issued; revoke it once it is ACTIVE`
              : `request ${cur.id} is ${cur.state}; there is no grant to revoke`,
          { details: { state: cur.state } },
        );
      return claimRevocation(
        deps,
        tx,
        actor,
        cur,
        { reason: v.reason, by_admin: !isRequester(actor, cur) },
        now,
      );
    },
    [v.id],
  );
  if (!claimed) {
    const { row } = await loadVisible(deps, actor, v.id);
    return toRequestView(row, approvals);
  }
  const [after] = await revokeGrants(deps, [claimed], {
    actor: actor.identity,
    actorKind: actor.kind,
    onBehalfOf: actor.agent?.owner,
  });
  return toRequestView(after!, approvals);
}
