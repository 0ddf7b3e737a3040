/**
 * Request durations as people type them (`30m`, `2h30m`, `1d`, `90s`, `3600`) → whole seconds.
 * Units are d, h, m, s, each at most once and in that order, so `1h1h` or `30m2h` are rejected
 * rather than guessed at.
 */
import { AppError } from '../errors.js';

const UNIT_SECONDS = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;
const COMPOUND = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
/** Longest accepted string: keeps absurd inputs (a 1 MB "duration") out of the regex and messages. */
const MAX_INPUT_LENGTH = 32;

function reject(message: string): never {
  throw new AppError('VALIDATION', message, { details: { field: 'duration' } });
}

/** Parses a duration into seconds in [1, maxSeconds]; throws AppError VALIDATION naming the problem. */
export function parseDuration(input: unknown, maxSeconds: number): number {
  let seconds: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || !Number.isInteger(input))
      reject('duration must be a whole number of seconds or a string like 30m, 2h30m, 1d');
    seconds = input;
  } else if (typeof input === 'string') {
    const s = input.trim().toLowerCase();
    if (s === '') reject('duration is empty; use e.g. 30m, 2h30m, 1d or a number of seconds');
    if (s.length > MAX_INPUT_LENGTH) reject('duration is too long to be a duration');
    if (s.startsWith('-')) reject('duration must be positive');
    if (/^\d+$/.test(s)) seconds = Number(s);
    else {
      const m = COMPOUND.exec(s);
      if (!m || m.slice(1).every((g) => g === undefined))
        reject(`invalid duration "${s}"; use e.g. 30m, 2h30m, 1d, 90s or a number of seconds`);
      const [d, h, mi, se] = m.slice(1).map((g) => (g === undefined ? 0 : Number(g)));
      seconds = d! * UNIT_SECONDS.d + h! * UNIT_SECONDS.h + mi! * UNIT_SECONDS.m + se! * UNIT_SECONDS.s;
    }
  } else {
    reject('duration must be a string like 30m, 2h30m, 1d or a number of seconds');
  }
  if (!Number.isSafeInteger(seconds) || seconds <= 0)
    reject(seconds === 0 ? 'duration must be greater than zero' : 'duration must be positive');
  if (seconds > maxSeconds)
    reject(`duration ${formatDuration(seconds)} exceeds the maximum of ${formatDuration(maxSeconds)}`);
  return seconds;
}

/** Formats whole seconds the way parseDuration reads them (`2h30m`); `0s` for zero. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return `${seconds}s`;
  let rest = Math.max(0, Math.floor(seconds));
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of Object.entries(UNIT_SECONDS)) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}
