/** cancelRequest: the requester withdraws a request that is still PENDING. */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import type { Transaction } from '../db/client.js';
import { lockRequest, type RequestRow, updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { safeText } from '../validation/text.js';
import { isRequester } from './access.js';
import { loadVisible, parseInput } from './load.js';
import { assertTransition } from './states.js';
import { auditRequest, transact } from './tx.js';
import { type RequestView, toRequestView } from './view.js';

export const CancelRequestInput = z
  .object({ id: z.string().min(1).max(64), reason: safeText(4096).default('') })
  .strict();

/**
 * Cancels the PENDING request `cur`, locked in `tx`, and audits it (request.cancelled with
 * `details`) — the one cancel step, shared with revoking an agent (agents/revoke.ts).
 */
export async function cancelLocked(
  tx: Transaction,
  actor: Actor,
  cur: RequestRow,
  details: Record<string, unknown>,
  now: Date,
): Promise<RequestRow> {
  assertTransition(cur.state, 'CANCELLED', cur.id);
  const r = await updateRequest(
    tx,
    cur.id,
    {
      state: 'CANCELLED',
      endedAt: now,
      endReason: 'cancelled',
      pendingExpiresAt: null,
      escalateAt: null,
    },
    now,
  );
  await auditRequest(tx, actor, cur, {
    action: 'request.cancelled',
    outcome: 'success',
    details,
  });
  return r;
}

/** Cancels a PENDING request; invariant: only its requester can, and only while PENDING. */
export async function cancelRequest(deps: CoreDeps, actor: Actor, input: unknown): Promise<RequestView> {
  const v = parseInput(CancelRequestInput, input);
  const { row: seen, approvals } = await loadVisible(deps, actor, v.id);
  if (!isRequester(actor, seen)) throw new AppError('FORBIDDEN', 'only the requester can cancel a request');
  const now = deps.now();
  const row = await transact(
    deps,
    async (tx) => {
      const cur = (await lockRequest(tx, v.id))!;
      if (cur.state !== 'PENDING')
        throw new AppError(
          'CONFLICT',
          `request ${cur.id} is ${cur.state}; only PENDING requests can be cancelled${cur.state === 'ACTIVE' ? ' (use revoke to end an active grant)' : ''}`,
          { details: { state: cur.state } },
        );
      return cancelLocked(tx, actor, cur, { reason: v.reason }, now);
    },
    [v.id],
  );
  return toRequestView(row, approvals);
}
