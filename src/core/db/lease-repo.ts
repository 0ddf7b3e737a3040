/**
 * Handing leased work back at shutdown (ADR 0053): a process that stops before it finished what
 * it claimed makes those rows due now, so another replica takes them at once instead of after the
 * lease runs out. Each release is guarded by the claim it undoes — a row finished, re-leased or
 * claimed by someone else since is left alone.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from './client.js';

/** A sweeper claim on a request: the version the claim left and the lease it set. */
export interface RequestClaim {
  id: string;
  version: number;
  leaseUntil: Date;
}

/** Makes the still-held `claims` due at `now`; returns how many rows were released. */
export async function releaseRequestClaims(
  db: Executor,
  claims: readonly RequestClaim[],
  now: Date,
): Promise<number> {
  let released = 0;
  for (const c of claims) {
    const res = (await db.execute(
      sql`update requests set next_attempt_at = ${now.toISOString()}::timestamptz
        where id = ${c.id} and version = ${c.version}
          and next_attempt_at = ${c.leaseUntil.toISOString()}::timestamptz
        returning id`,
    )) as unknown;
    released += (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows).length;
  }
  return released;
}

/** An outbox delivery claim: the attempt number the claim set. */
export interface DeliveryClaim {
  eventId: string;
  attempts: number;
}

/** Makes `sink`'s still-pending `claims` due at `now`; returns how many were released. */
export async function releaseDeliveryClaims(
  db: Executor,
  sink: string,
  claims: readonly DeliveryClaim[],
  now: Date,
): Promise<number> {
  let released = 0;
  for (const c of claims) {
    const res = (await db.execute(
      sql`update outbox_deliveries set next_attempt_at = ${now.toISOString()}::timestamptz
        where sink = ${sink} and event_id = ${c.eventId} and attempts = ${c.attempts} and state = 'pending'
        returning event_id`,
    )) as unknown;
    released += (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows).length;
  }
  return released;
}
