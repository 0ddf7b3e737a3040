/**
 * Times that come from outside (query filters, page tokens). An ISO 8601 string can name instants
 * PostgreSQL timestamptz or a JS Date cannot hold — year 0000, or an offset that moves 0001-01-01
 * into year 0 — and the database answers those with a data error (22008), a 500 if it got that far.
 * Every boundary accepts only instants between 0001-01-01 and 9999-12-31 UTC.
 */
import { z } from 'zod';

export const TIME_MIN = '0001-01-01T00:00:00Z';
export const TIME_MAX = '9999-12-31T23:59:59.999Z';
const MIN_MS = Date.parse(TIME_MIN);
const MAX_MS = Date.parse(TIME_MAX);

/** True when `d` is a valid Date between TIME_MIN and TIME_MAX (what timestamptz and JS both hold). */
export function isStorableTime(d: Date): boolean {
  const t = d.getTime();
  return Number.isFinite(t) && t >= MIN_MS && t <= MAX_MS;
}

const OUT_OF_RANGE = `must be a time between ${TIME_MIN} and 9999-12-31T23:59:59Z`;

/** An ISO 8601 date-time with `Z` or an offset, within the storable range; the output is still the string. */
export function safeDateTime() {
  return z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-03-20T16:00:00Z' })
    .refine((s) => isStorableTime(new Date(s)), OUT_OF_RANGE);
}

/** `safeDateTime` parsed into a Date (core input schemas). */
export function safeDate() {
  return safeDateTime().transform((s) => new Date(s));
}
