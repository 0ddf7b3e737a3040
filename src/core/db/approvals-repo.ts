/** SQL for `approvals`: one row per decision on a request. */
import { asc, inArray } from 'drizzle-orm';
import type { Executor } from './client.js';
import { approvals } from './schema/index.js';

export type ApprovalRow = typeof approvals.$inferSelect;
export type NewApprovalRow = typeof approvals.$inferInsert;

/** Records one decision. */
export async function insertApproval(tx: Executor, row: NewApprovalRow): Promise<ApprovalRow> {
  const [r] = await tx.insert(approvals).values(row).returning();
  return r!;
}

/** Every decision on the given requests, oldest first, grouped by request id. */
export async function listApprovals(
  exec: Executor,
  requestIds: readonly string[],
): Promise<Map<string, ApprovalRow[]>> {
  const out = new Map<string, ApprovalRow[]>();
  if (requestIds.length === 0) return out;
  const rows = await exec
    .select()
    .from(approvals)
    .where(inArray(approvals.requestId, [...requestIds]))
    .orderBy(asc(approvals.createdAt), asc(approvals.id));
  for (const r of rows) {
    const list = out.get(r.requestId);
    if (list) list.push(r);
    else out.set(r.requestId, [r]);
  }
  return out;
}
