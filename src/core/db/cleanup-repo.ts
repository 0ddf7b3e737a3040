/**
 * SQL for pending cleanup (docs/adr/0033-access-cut-and-cleanup.md): ended grants whose provider
 * cut access but left something at the target. Their schedule lives in `cleanup_next_at`, apart
 * from `next_attempt_at` (the after-end check of the same rows), so neither overwrites the other.
 */
import { and, asc, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Executor, Transaction } from './client.js';
import type { RequestRow } from './requests-repo.js';
import { requests } from './schema/index.js';

/**
 * Claims up to `limit` rows whose cleanup is due (SKIP LOCKED), leasing them until `leaseUntil` and
 * counting the attempt. `version` is left alone: the lease is the claim, and an after-end check in
 * flight on the same row must not be made stale by it.
 */
export async function claimCleanups(
  exec: Executor,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<RequestRow[]> {
  const due = exec
    .select({ id: requests.id })
    .from(requests)
    .where(and(isNotNull(requests.cleanupPending), lte(requests.cleanupNextAt, now)))
    .orderBy(asc(requests.cleanupNextAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return exec
    .update(requests)
    .set({ cleanupNextAt: leaseUntil, cleanupAttempts: sql`${requests.cleanupAttempts} + 1` })
    .where(inArray(requests.id, due))
    .returning();
}

/** Records, on locked rows that just ended, what their provider left behind and when to retry. */
export async function markCleanupPending(
  tx: Transaction,
  items: readonly { id: string; pending: string; nextAt: Date }[],
  now: Date,
): Promise<RequestRow[]> {
  if (items.length === 0) return [];
  const values = sql.join(
    items.map((i) => sql`(${i.id}::text, ${i.pending}::text, ${i.nextAt.toISOString()}::timestamptz)`),
    sql`, `,
  );
  return tx
    .update(requests)
    .set({
      cleanupPending: sql`u.pending`,
      cleanupNextAt: sql`u.next`,
      cleanupAttempts: 0,
      cleanupError: null,
      updatedAt: now,
      version: sql`${requests.version} + 1`,
    })
    .from(sql`(values ${values}) as u(id, pending, next)`)
    .where(sql`${requests.id} = u.id`)
    .returning();
}
