/**
 * listRequests: newest first with an opaque cursor. Non-admins see their own requests, plus — with
 * `pending` — the PENDING requests awaiting their decision (tier, approver groups, not their own,
 * not already approved by them, approval policy allows).
 */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { type ApprovalRow, listApprovals } from '../db/approvals-repo.js';
import { listRequestRows, type RequestRow, readTrustTier } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { pageTokenText } from '../validation/page-token.js';
import { safeText } from '../validation/text.js';
import { decidableTiers, sharesParty } from './access.js';
import { parseInput } from './load.js';
import { approvalInput } from './may-decide.js';
import { decideAt } from './policy-input.js';
import { hasApproved, inApproverGroups } from './quorum.js';
import { REQUEST_STATES } from './states.js';
import { decodeCursor, encodeCursor, type RequestView, toRequestView } from './view.js';

const Bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1'),
]);

export const ListRequestsInput = z
  .object({
    state: z.enum(REQUEST_STATES).optional(),
    mine: Bool.optional(),
    pending: Bool.optional(),
    requester: safeText(254).min(1).optional(),
    page_size: z.coerce.number().int().min(1).max(500).default(50),
    page_token: pageTokenText().optional(),
  })
  .strict();

export interface RequestListView {
  requests: RequestView[];
  next_page_token: string | null;
}

/** Lists requests visible to the caller; invariant: a non-admin never sees another's request unless they may decide it. */
export async function listRequests(deps: CoreDeps, actor: Actor, input: unknown): Promise<RequestListView> {
  const v = parseInput(ListRequestsInput, input);
  const before = v.page_token ? decodeCursor(v.page_token) : undefined;
  if (v.requester && !actor.isAdmin && v.requester.toLowerCase() !== actor.identity.toLowerCase())
    throw new AppError('FORBIDDEN', "only admins can list other people's requests");
  if (v.pending && v.state && v.state !== 'PENDING')
    throw new AppError(
      'VALIDATION',
      'pending lists PENDING requests; it cannot be combined with another state',
      {
        details: { field: 'state' },
      },
    );
  const limit = v.page_size;
  let rows: RequestRow[];
  let fetched: RequestRow[];
  let approvals: Map<string, ApprovalRow[]>;
  if (v.pending) {
    const tiers = decidableTiers(actor);
    fetched =
      tiers.length === 0
        ? []
        : await listRequestRows(deps.db, {
            states: ['PENDING'],
            tiers,
            notRequestedBy: actor.identity,
            requester: v.requester,
            before,
            limit: limit + 1,
          });
    const page = fetched.slice(0, limit);
    approvals = await listApprovals(
      deps.db,
      page.map((r) => r.id),
    );
    rows = await filterDecidable(deps, actor, page, approvals);
  } else {
    const requester = v.requester ?? (v.mine || !actor.isAdmin ? actor.identity : undefined);
    fetched = await listRequestRows(deps.db, {
      requester,
      states: v.state ? [v.state] : undefined,
      before,
      limit: limit + 1,
    });
    rows = fetched.slice(0, limit);
    approvals = await listApprovals(
      deps.db,
      rows.map((r) => r.id),
    );
  }
  const more = fetched.length > limit;
  return {
    requests: rows.map((r) => toRequestView(r, approvals.get(r.id) ?? [])),
    next_page_token: more ? encodeCursor(fetched[limit - 1]!) : null,
  };
}

/**
 * Keeps the rows awaiting the actor's decision: outside its own party, in its approver groups, not
 * approved by it already (it still sees those by id), and allowed by the approval policy.
 */
async function filterDecidable(
  deps: CoreDeps,
  actor: Actor,
  rows: RequestRow[],
  approvals: Map<string, ApprovalRow[]>,
): Promise<RequestRow[]> {
  rows = rows.filter(
    (r) =>
      !sharesParty(actor, r) && inApproverGroups(actor, r) && !hasApproved(actor, approvals.get(r.id) ?? []),
  );
  if (rows.length === 0) return rows;
  const now = deps.now();
  const tier = await readTrustTier(deps.db, actor);
  const policies = deps.policies.current();
  return rows.filter((r) => {
    const input = approvalInput(actor, r, approvals.get(r.id) ?? [], tier, now);
    try {
      return policies.approval(input, decideAt(now)).allow;
    } catch {
      return false; // a policy that errors for one request must not hide the whole list
    }
  });
}
