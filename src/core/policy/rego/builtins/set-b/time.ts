/**
 * time.* builtins (OPA topdown/time.go): nanosecond timestamps as exact integers, Go layouts and
 * durations, IANA zones, and OPA's range errors ("time outside of valid range", "timestamp too big").
 */

import { isNumber, normNumber, type RNumber, type Value } from '../../value.js';
import { type BuiltinDef, builtinError, expectType, operandTypeError } from '../types.js';
import { civil, daysIn, fromUnixNano, type GoTime, goDate, unixNano } from './go-civil.js';
import { goParseDuration } from './go-duration.js';
import { goFormat, LONG_DAYS, NAMED_LAYOUTS } from './go-time-layout.js';
import { goParse, TimeParseError } from './go-time-parse.js';
import { loadLocation, UTC } from './tz.js';
import { operandError, stringArg } from './util.js';

const MIN_NS = -(1n << 63n);
const MAX_NS = (1n << 63n) - 1n;
const TIME_ARG = 'either number (ns) or [number (ns), string (tz)]';

/** OPA's `toSafeUnixNano`: the result must fit an int64 of nanoseconds. */
function safeUnixNano(t: GoTime): RNumber {
  const ns = unixNano(t);
  if (ns < MIN_NS || ns > MAX_NS) throw builtinError('time outside of valid range');
  return normNumber(ns);
}

/** A timestamp operand as an exact int64, or "timestamp too big" (fractions count as too big). */
function timestampNs(n: RNumber): bigint {
  let big: bigint;
  if (typeof n === 'bigint') big = n;
  else if (typeof n === 'number' && Number.isInteger(n)) big = BigInt(n);
  else throw builtinError('timestamp too big');
  if (big < MIN_NS || big > MAX_NS) throw builtinError('timestamp too big');
  return big;
}

/** OPA's `tzTime`: `ns` or `[ns, tz]` or `[ns, tz, layout]`. */
function tzTime(a: Value): { t: GoTime; layout: string } {
  if (Array.isArray(a)) {
    if (a.length === 0) throw operandTypeError(1, TIME_ARG, a);
    const n = expectType<RNumber>(a[0]!, 1, 'number');
    const zone = a.length > 1 ? loadLocation(stringArg(a[1]!, 1)) : UTC;
    const layout = a.length > 2 ? stringArg(a[2]!, 1) : '';
    return { t: fromUnixNano(timestampNs(n), zone), layout };
  }
  if (isNumber(a)) return { t: fromUnixNano(timestampNs(a), UTC), layout: '' };
  throw operandTypeError(1, TIME_ARG, a);
}

function parseOrThrow(layout: string, value: string): GoTime {
  try {
    return goParse(layout, value);
  } catch (e) {
    if (e instanceof TimeParseError) throw builtinError(e.message);
    throw e;
  }
}

/** Go `int` operand: must be an integral number. */
function intOperand(v: Value, pos: number): number {
  const n = expectType<RNumber>(v, pos, 'number');
  const x = Number(n);
  if (!Number.isInteger(x)) throw operandError(pos, 'must be integer number but got floating-point number');
  return x;
}

function addDate(ns: Value, years: Value, months: Value, days: Value): RNumber {
  const { t } = tzTime(ns);
  const y = intOperand(years, 2);
  const m = intOperand(months, 3);
  const d = intOperand(days, 4);
  const c = civil(t);
  // Beyond ±1e9 years the result cannot be an int64 of nanoseconds anyway.
  if (Math.abs(c.year + y + m / 12 + d / 366) > 1e9) throw builtinError('time outside of valid range');
  return safeUnixNano(goDate(c.year + y, c.month + m, c.day + d, c.hour, c.minute, c.second, c.nsec, t.zone));
}

/** OPA's time.diff (icza/gox): calendar difference as [years, months, days, hours, minutes, seconds]. */
function diff(a: Value, b: Value): Value[] {
  const t1 = tzTime(a).t;
  let t2 = tzTime(b).t;
  if (t2.zone !== t1.zone) t2 = { ...t2, zone: t1.zone };
  const [lo, hi] = unixNano(t1) > unixNano(t2) ? [t2, t1] : [t1, t2];
  const x = civil(lo);
  const y = civil(hi);
  let year = y.year - x.year;
  let month = y.month - x.month;
  let day = y.day - x.day;
  let hour = y.hour - x.hour;
  let min = y.minute - x.minute;
  let sec = y.second - x.second;
  if (sec < 0) {
    sec += 60;
    min--;
  }
  if (min < 0) {
    min += 60;
    hour--;
  }
  if (hour < 0) {
    hour += 24;
    day--;
  }
  if (day < 0) {
    day += daysIn(x.month, x.year);
    month--;
  }
  if (month < 0) {
    month += 12;
    year--;
  }
  return [year, month, day, hour, min, sec];
}

function format(v: Value): string {
  const { t, layout } = tzTime(v);
  const l = layout === '' ? NAMED_LAYOUTS.RFC3339Nano! : (NAMED_LAYOUTS[layout] ?? layout);
  return goFormat(t, l);
}

export const timeBuiltins: BuiltinDef[] = [
  { name: 'time.now_ns', arity: 0, impl: (_args, ctx) => normNumber(ctx.nowNs) },
  {
    name: 'time.parse_ns',
    arity: 2,
    impl: ([layout, value]) => {
      const l = stringArg(layout!, 1);
      const v = stringArg(value!, 2);
      return safeUnixNano(parseOrThrow(NAMED_LAYOUTS[l] ?? l, v));
    },
  },
  {
    name: 'time.parse_rfc3339_ns',
    arity: 1,
    impl: ([value]) => safeUnixNano(parseOrThrow(NAMED_LAYOUTS.RFC3339!, stringArg(value!, 1))),
  },
  {
    name: 'time.parse_duration_ns',
    arity: 1,
    impl: ([d]) => {
      try {
        return normNumber(goParseDuration(stringArg(d!, 1)));
      } catch (e) {
        if (e instanceof Error && e.message.startsWith('time: ')) throw builtinError(e.message);
        throw e;
      }
    },
  },
  { name: 'time.format', arity: 1, impl: ([v]) => format(v!) },
  {
    name: 'time.date',
    arity: 1,
    impl: ([v]) => {
      const c = civil(tzTime(v!).t);
      return [c.year, c.month, c.day];
    },
  },
  {
    name: 'time.clock',
    arity: 1,
    impl: ([v]) => {
      const c = civil(tzTime(v!).t);
      return [c.hour, c.minute, c.second];
    },
  },
  { name: 'time.weekday', arity: 1, impl: ([v]) => LONG_DAYS[civil(tzTime(v!).t).weekday]! },
  { name: 'time.add_date', arity: 4, impl: ([ns, y, m, d]) => addDate(ns!, y!, m!, d!) },
  { name: 'time.diff', arity: 2, impl: ([a, b]) => diff(a!, b!) },
];
