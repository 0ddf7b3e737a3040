/** SQL for listing principals, newest seen first (keyset paging on last seen, then identity). */
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import { type PrincipalRow, toPrincipalView } from './principals-repo.js';
import { principals } from './schema/index.js';

/** Where a page ends: the millisecond-truncated last-seen time and identity of its last row. */
export interface PrincipalCursor {
  lastSeenAt: Date;
  identity: string;
}

// Timestamps are stored to the microsecond but a cursor carries milliseconds (a JS Date), so order
// and compare on the truncated value: a row is never skipped or repeated for want of precision.
const seenMs = sql`date_trunc('milliseconds', ${principals.lastSeenAt})`;

/** Up to `limit` principals after `after`, filtered by kind and minimum tier. */
export async function listPrincipalRows(
  exec: Executor,
  opts: { kind?: PrincipalRow['kind']; minTier?: number; after?: PrincipalCursor; limit: number },
): Promise<PrincipalRow[]> {
  const conds = [
    opts.kind !== undefined ? eq(principals.kind, opts.kind) : undefined,
    opts.minTier !== undefined ? gte(principals.trustTier, opts.minTier) : undefined,
    opts.after
      ? sql`(${seenMs}, ${principals.identity}) < (${opts.after.lastSeenAt.toISOString()}::timestamptz, ${opts.after.identity})`
      : undefined,
  ].filter((c) => c !== undefined);
  const rows = await exec
    .select()
    .from(principals)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(seenMs), desc(principals.identity))
    .limit(opts.limit);
  return rows.map(toPrincipalView);
}
