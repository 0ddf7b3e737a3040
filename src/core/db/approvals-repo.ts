/** SQL for `approvals`: one row per decision on a request. */
import { asc, inArray } from 'drizzle-orm';
import type { Executor } from './client.js';
import { FastTable } from './raw.js';
import { approvals } from './schema/index.js';

export type ApprovalRow = typeof approvals.$inferSelect;
export type NewApprovalRow = typeof approvals.$inferInsert;

const fast = new FastTable(approvals);

/** Records one decision (hot path: db/raw.ts). */
export function insertApproval(tx: Executor, row: NewApprovalRow): Promise<ApprovalRow> {
  return fast.insert(tx, row);
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
