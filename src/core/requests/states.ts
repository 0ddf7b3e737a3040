/**
 * The request state machine as data. Every state change in core goes through `assertTransition`
 * under a row lock, so a transition that is not in this table cannot happen, whichever surface or
 * background job asks for it.
 */
import { AppError } from '../errors.js';

export const REQUEST_STATES = [
  'PENDING',
  'APPROVED',
  'ACTIVE',
  'REJECTED',
  'CANCELLED',
  'EXPIRED',
  'REVOKED',
  'FAILED',
  'APPLIED',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/**
 * PENDING  → APPROVED (human/AI/auto/break-glass), REJECTED (deny), CANCELLED (requester),
 *            EXPIRED (pending TTL), FAILED (the provider disappeared or rejected it outright).
 * APPROVED → ACTIVE (grant issued), FAILED (grant kept failing; cleaned up at the provider).
 * ACTIVE   → EXPIRED (sweeper, after the provider revoke succeeded), REVOKED (early release, admin,
 *            or the grant vanished out of band).
 * An extension (a row with extends_request_id, ADR 0045) is never ACTIVE itself:
 * APPROVED → APPLIED once its time is added to the grant it extends, or FAILED.
 * Everything else is terminal.
 */
export const TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = Object.freeze({
  PENDING: ['APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED', 'FAILED'],
  APPROVED: ['ACTIVE', 'FAILED', 'APPLIED'],
  ACTIVE: ['EXPIRED', 'REVOKED'],
  REJECTED: [],
  CANCELLED: [],
  EXPIRED: [],
  REVOKED: [],
  FAILED: [],
  APPLIED: [],
});

/** True when no transition leaves the state. */
export const isTerminal = (s: RequestState): boolean => TRANSITIONS[s].length === 0;

/** True when the table allows from → to. */
export const canTransition = (from: RequestState, to: RequestState): boolean =>
  TRANSITIONS[from].includes(to);

/** Throws AppError CONFLICT (with both states in details) unless the table allows from → to. */
export function assertTransition(from: RequestState, to: RequestState, requestId?: string): void {
  if (canTransition(from, to)) return;
  const what = requestId ? `request ${requestId}` : 'request';
  throw new AppError('CONFLICT', `${what} is ${from} and cannot become ${to}`, {
    details: { state: from, wanted: to, ...(requestId ? { request_id: requestId } : {}) },
  });
}
