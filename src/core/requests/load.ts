/** Shared input pieces and the visibility-checked read every per-request verb starts with. */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { type ApprovalRow, listApprovals } from '../db/approvals-repo.js';
import { findRequest, type RequestRow } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { isId } from '../ids.js';
import { canView, decidableTiers, isOwnRequest, notFound } from './access.js';
import { validationError } from './create-input.js';
import { approvalAllows } from './may-decide.js';

export const RequestIdInput = z.object({ id: z.string().min(1).max(64) }).passthrough();

/** Parses `input` with `schema`, throwing AppError VALIDATION naming the first bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw validationError(r.error);
  return r.data;
}

/**
 * The request and its decisions if the actor may see it; NOT_FOUND otherwise (an id that does not
 * exist and one the caller may not see are indistinguishable).
 */
export async function loadVisible(
  deps: CoreDeps,
  actor: Actor,
  id: string,
  opts: { asDecider?: boolean } = {},
): Promise<{ row: RequestRow; approvals: ApprovalRow[] }> {
  if (!isId(id, 'req')) throw notFound(String(id).slice(0, 64));
  const row = await findRequest(deps.db, id);
  if (!row) throw notFound(id);
  const approvals = (await listApprovals(deps.db, [id])).get(id) ?? [];
  const decided = approvals.some((a) => a.actorIdentity.toLowerCase() === actor.identity.toLowerCase());
  if (actor.isAdmin || isOwnRequest(actor, row) || decided) return { row, approvals };
  // Escalation only: an AI reviewer may hand a PENDING request of its tier to humans even where the
  // approval policy keeps it from deciding (approve and deny answer exactly as reads do). Anything
  // else it may not see stays a 404: no state or existence leaks through the deciding verbs.
  if (opts.asDecider === true && row.state === 'PENDING' && decidableTiers(actor).includes(row.approverTier))
    return { row, approvals };
  // Reads: a PENDING request is visible to those the approval policy lets decide it.
  if (canView(actor, row, false) && (await approvalAllows(deps, actor, row, approvals)))
    return { row, approvals };
  throw notFound(id);
}
