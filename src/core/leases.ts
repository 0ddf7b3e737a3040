/**
 * Releasing a stopping process's leases (ADR 0053), for the sweeper and the outbox worker. The
 * ledger is how a process remembers what it claimed and has not finished; `claimDue` records into
 * the one its caller passes in `deps.claims`.
 */
import {
  type DeliveryClaim,
  type RequestClaim,
  releaseDeliveryClaims,
  releaseRequestClaims,
} from './db/lease-repo.js';
import type { CoreDeps } from './deps.js';

export type { DeliveryClaim, RequestClaim };

/** Where `claimDue` notes each claim it makes (the sweeper keeps one per batch in flight). */
export interface ClaimLedger {
  claimed(rows: readonly { id: string; version: number }[], leaseUntil: Date): void;
}

/** Makes the sweeper claims still held due now; returns how many were released. */
export function releaseRequestLeases(deps: CoreDeps, claims: readonly RequestClaim[]): Promise<number> {
  if (claims.length === 0) return Promise.resolve(0);
  return releaseRequestClaims(deps.db, claims, deps.now());
}

/** Makes `sink`'s unfinished delivery claims due now; returns how many were released. */
export function releaseDeliveryLeases(
  deps: CoreDeps,
  sink: string,
  claims: readonly DeliveryClaim[],
): Promise<number> {
  if (claims.length === 0) return Promise.resolve(0);
  return releaseDeliveryClaims(deps.db, sink, claims, deps.now());
}
