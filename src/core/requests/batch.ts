/**
 * What the batch flows share (the revoke flow and the sweeper's jobs): claiming due rows under a
 * lease, and locking a batch of rows by id before recording what happened to them.
 */
import type { Transaction } from '../db/client.js';
import { type ClaimKind, claimRequests, lockRequests, type RequestRow } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';

/**
 * Claims up to `limit` due rows of `kind`, leased for `sweeper.lease_seconds`; invariant: no other
 * process claims them until the lease runs out (a dead process's claims then come back).
 */
export async function claimDue(deps: CoreDeps, kind: ClaimKind, limit: number): Promise<RequestRow[]> {
  const now = deps.now();
  const leaseUntil = new Date(now.getTime() + deps.config.sweeper.lease_seconds * 1000);
  const rows = await claimRequests(deps.db, kind, now, leaseUntil, limit);
  deps.claims?.claimed(rows, leaseUntil);
  return rows;
}

/** Locks the rows of a batch (FOR UPDATE, in id order, so batches never deadlock) and indexes them by id. */
export async function lockById(tx: Transaction, ids: readonly string[]): Promise<Map<string, RequestRow>> {
  return new Map((await lockRequests(tx, ids)).map((r) => [r.id, r]));
}
