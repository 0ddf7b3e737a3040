/**
 * The hard ceiling on a grant's total time (activation → expiry, extensions included): the smaller
 * of `requests.max_total_duration_seconds` and any `max_total_duration_seconds` the policies gave.
 * Checked when an extension is asked for and again, under the grant's lock, when it is applied.
 */
import type { Config } from '../config.js';
import type { RequestRow } from '../db/requests-repo.js';
import { AppError } from '../errors.js';
import { formatDuration } from './duration.js';

export type CeilingSource = 'config' | 'policy';

export interface Ceiling {
  seconds: number;
  source: CeilingSource;
}

/** Where an extension of `parent` by `addSeconds` would leave the grant. */
export function extendedTimes(parent: RequestRow, addSeconds: number) {
  const grantedAt = parent.grantedAt ?? parent.createdAt;
  const expiresAt = new Date(parent.expiresAt!.getTime() + addSeconds * 1000);
  const totalSeconds = Math.ceil((expiresAt.getTime() - grantedAt.getTime()) / 1000);
  return { grantedAt, expiresAt, totalSeconds };
}

/** The ceiling in force: config, lowered by a policy's (or a stored) ceiling when smaller. */
export function ceilingOf(config: Readonly<Config>, ...policy: (number | null | undefined)[]): Ceiling {
  let c: Ceiling = { seconds: config.requests.max_total_duration_seconds, source: 'config' };
  for (const p of policy) if (p != null && p < c.seconds) c = { seconds: p, source: 'policy' };
  return c;
}

/** The refusal of an extension past the ceiling: VALIDATION (config) or POLICY_DENIED, naming it. */
export function ceilingRefusal(
  parent: RequestRow,
  addSeconds: number,
  totalSeconds: number,
  c: Ceiling,
): AppError {
  const used = totalSeconds - addSeconds;
  const room = Math.max(0, c.seconds - used);
  const name =
    c.source === 'config' ? 'requests.max_total_duration_seconds' : 'the policy max_total_duration_seconds';
  const message =
    `extending request ${parent.id} by ${formatDuration(addSeconds)} would make it last ` +
    `${formatDuration(totalSeconds)} in total; the ceiling is ${formatDuration(c.seconds)} (${name})` +
    (room > 0 ? `; at most ${formatDuration(room)} more can be added` : '; it cannot be extended further');
  const details = {
    field: 'duration',
    ceiling: c.source,
    max_total_duration_seconds: c.seconds,
    total_duration_seconds: totalSeconds,
    remaining_seconds: room,
  };
  return c.source === 'config'
    ? new AppError('VALIDATION', message, { details })
    : new AppError('POLICY_DENIED', `denied by policy: ${message}`, {
        details: { ...details, reasons: [message] },
      });
}
