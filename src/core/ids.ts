/**
 * Prefixed, time-sortable identifiers (`req_01J8…`). ULIDs sort by creation time, so the newest-first
 * listings and cursors can order by id; the monotonic factory keeps ids from one process strictly
 * increasing within the same millisecond.
 */
import { monotonicFactory } from 'ulid';

export type IdPrefix = 'req' | 'pol' | 'agt' | 'apr' | 'chk' | 'key';

const next = monotonicFactory();

/** A new `<prefix>_<ULID>`; strictly increasing within this process. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${next()}`;
}

const ID_RE = /^[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}$/;

/** Whether `s` looks like an id with this prefix (shape only, no lookup). */
export function isId(s: unknown, prefix: IdPrefix): s is string {
  return typeof s === 'string' && s.startsWith(`${prefix}_`) && ID_RE.test(s);
}
