/**
 * Go's time.Time reduced to what the time builtins need: an instant (Unix seconds + nanoseconds)
 * seen in a zone, with Go's calendar arithmetic (proleptic Gregorian, Date() normalization).
 */
import { type Zone, zoneAt } from './tz.js';

export interface GoTime {
  /** Seconds since the Unix epoch (safe integer). */
  readonly sec: number;
  /** Nanoseconds within the second, 0..999999999. */
  readonly nsec: number;
  readonly zone: Zone;
}

export interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nsec: number;
  /** 0 = Sunday. */
  weekday: number;
  /** 1-based day of the year. */
  yday: number;
  offset: number;
  abbr: string;
}

const floorDiv = (a: number, b: number) => Math.floor(a / b);

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, any day). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const doy = floorDiv(153 * (month > 2 ? month - 3 : month + 9) + 2, 5) + day - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The [year, month, day] of a day count since 1970-01-01. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const d = doy - floorDiv(153 * mp + 2, 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? era * 400 + yoe + 1 : era * 400 + yoe, m, d];
}

/** Gregorian leap year. */
export const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

/** Days in `month` (1..12) of `year`. */
export function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Breaks an instant down into its wall-clock fields in its zone. */
export function civil(t: GoTime): Civil {
  const { offset, abbr } = zoneAt(t.zone, t.sec);
  const local = t.sec + offset;
  const days = floorDiv(local, 86400);
  const secOfDay = local - days * 86400;
  const [year, month, day] = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: floorDiv(secOfDay, 3600),
    minute: floorDiv(secOfDay % 3600, 60),
    second: secOfDay % 60,
    nsec: t.nsec,
    weekday: (((days + 4) % 7) + 7) % 7,
    yday: days - daysFromCivil(year, 1, 1) + 1,
    offset,
    abbr,
  };
}

/** Go's `norm`: moves overflow of `lo` (base `base`) into `hi`. */
function norm(hi: number, lo: number, base: number): [number, number] {
  if (lo < 0) {
    const n = floorDiv(-lo - 1, base) + 1;
    hi -= n;
    lo += n * base;
  }
  if (lo >= base) {
    const n = floorDiv(lo, base);
    hi += n;
    lo -= n * base;
  }
  return [hi, lo];
}

/** Go's `time.Date`: normalizes out-of-range fields and resolves the wall clock in `zone`. */
export function goDate(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nsec: number,
  zone: Zone,
): GoTime {
  let m = month - 1;
  [year, m] = norm(year, m, 12);
  [second, nsec] = norm(second, nsec, 1e9);
  [minute, second] = norm(minute, second, 60);
  [hour, minute] = norm(hour, minute, 60);
  [day, hour] = norm(day, hour, 24);
  const days = daysFromCivil(year, m + 1, 1) + day - 1;
  let unix = days * 86400 + hour * 3600 + minute * 60 + second;
  // Like Go: guess the offset at the wall time, then correct it if that lands in another period.
  const guess = zoneAt(zone, unix).offset;
  if (guess !== 0) unix -= zoneAt(zone, unix - guess).offset;
  return { sec: unix, nsec, zone };
}

/** Nanoseconds since the epoch as an exact bigint. */
export function unixNano(t: GoTime): bigint {
  return BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec);
}

/** The instant `ns` nanoseconds after the epoch, seen in `zone`. */
export function fromUnixNano(ns: bigint, zone: Zone): GoTime {
  let sec = ns / 1_000_000_000n;
  let nsec = ns % 1_000_000_000n;
  if (nsec < 0n) {
    nsec += 1_000_000_000n;
    sec -= 1n;
  }
  return { sec: Number(sec), nsec: Number(nsec), zone };
}
