/**
 * The per-element half of Go's time.Parse: reading one layout element (year, month, zone, ...)
 * from the value into the parse state, with Go's acceptance rules and range errors.
 */
import { LONG_DAYS, LONG_MONTHS, nextStdChunk, Std } from './go-time-layout.js';
import { UTC, type Zone } from './tz.js';

/** Go's errBad: the element does not match; the caller reports it with the element texts. */
export class Bad extends Error {}
const bad = (): never => {
  throw new Bad();
};

const isDigit = (s: string, i: number) => i < s.length && s[i]! >= '0' && s[i]! <= '9';
const commaOrPeriod = (c: string | undefined) => c === '.' || c === ',';

function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigit(s, 0)) return bad();
  if (!isDigit(s, 1)) {
    if (fixed) return bad();
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + s.charCodeAt(1) - 48, s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigit(s, i); i++) n = n * 10 + s.charCodeAt(i) - 48;
  if (i === 0 || (fixed && i !== 3)) return bad();
  return [n, s.slice(i)];
}

/** Go time's atoi: optional sign, digits only. */
export function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) return bad();
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : bad();
}

function lookup(tab: string[], val: string): [number, string] {
  for (let i = 0; i < tab.length; i++) {
    const v = tab[i]!;
    if (val.length >= v.length && val.slice(0, v.length).toLowerCase() === v.toLowerCase())
      return [i, val.slice(v.length)];
  }
  return bad();
}

/** Go's `skip`: consumes the literal layout text (runs of spaces match loosely). */
export function skip(value: string, prefix: string): string {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') return bad();
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return bad();
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function parseNanoseconds(value: string, nbytes: number): number {
  if (!commaOrPeriod(value[0])) return bad();
  const n = Math.min(nbytes, 10);
  const ns = atoi(value.slice(1, n));
  return ns * 10 ** (10 - n);
}

function parseSignedOffset(value: string): number {
  if (value[0] !== '-' && value[0] !== '+') return 0;
  const m = /^\d+/.exec(value.slice(1));
  if (!m || Number(m[0]) > 24) return 0;
  return 1 + m[0].length;
}

/** Go's `parseTimeZone`: the length of a zone abbreviation at the start of `value`, or 0. */
function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) return value.length === 3 ? 3 : 3 + parseSignedOffset(value.slice(3));
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value);
  let n = 0;
  while (n < 6 && n < value.length && value[n]! >= 'A' && value[n]! <= 'Z') n++;
  if (n === 3) return 3;
  if (n === 4 && (value[3] === 'T' || value.startsWith('WITA'))) return 4;
  if (n === 5 && value[4] === 'T') return 5;
  return 0;
}

/** What the parser has read so far (Go parse()'s locals). */
export interface State {
  year: number;
  month: number;
  day: number;
  yday: number;
  hour: number;
  min: number;
  sec: number;
  nsec: number;
  zone?: Zone;
  zoneOffset: number;
  zoneName: string;
  amSet: boolean;
  pmSet: boolean;
}

function tzNumber(std: Std, value: string): [number, string, string] {
  let sign: string;
  let hh: string;
  let mm = '00';
  let ss = '00';
  if (std === Std.ISO8601ColonTZ || std === Std.NumColonTZ) {
    if (value.length < 6 || value[3] !== ':') return bad();
    [sign, hh, mm, value] = [value[0]!, value.slice(1, 3), value.slice(4, 6), value.slice(6)];
  } else if (std === Std.NumShortTZ || std === Std.ISO8601ShortTZ) {
    if (value.length < 3) return bad();
    [sign, hh, value] = [value[0]!, value.slice(1, 3), value.slice(3)];
  } else if (std === Std.ISO8601ColonSecondsTZ || std === Std.NumColonSecondsTZ) {
    if (value.length < 9 || value[3] !== ':' || value[6] !== ':') return bad();
    [sign, hh, mm, ss, value] = [
      value[0]!,
      value.slice(1, 3),
      value.slice(4, 6),
      value.slice(7, 9),
      value.slice(9),
    ];
  } else if (std === Std.ISO8601SecondsTZ || std === Std.NumSecondsTz) {
    if (value.length < 7) return bad();
    [sign, hh, mm, ss, value] = [
      value[0]!,
      value.slice(1, 3),
      value.slice(3, 5),
      value.slice(5, 7),
      value.slice(7),
    ];
  } else {
    if (value.length < 5) return bad();
    [sign, hh, mm, value] = [value[0]!, value.slice(1, 3), value.slice(3, 5), value.slice(5)];
  }
  const [h, m, sec] = [getnum(hh, true)[0], getnum(mm, true)[0], getnum(ss, true)[0]];
  // Go compares with > rather than >=: offsets of 24 hours or 60 minutes do occur.
  const rangeErr =
    sec > 60
      ? 'time zone offset second'
      : m > 60
        ? 'time zone offset minute'
        : h > 24
          ? 'time zone offset hour'
          : '';
  if (rangeErr === '' && sign !== '+' && sign !== '-') return bad();
  const offset = (h * 60 + m) * 60 + sec;
  return [sign === '-' ? -offset : offset, value, rangeErr];
}

/** Parses one layout element; returns the remaining value and an optional range error. */
/** Parses one element; returns the remaining value and a range-error word ("" if none). */
export function element(
  std: Std,
  digits: number,
  value: string,
  st: State,
  nextLayout: string,
): [string, string] {
  let p: string;
  switch (std) {
    case Std.Year:
      if (value.length < 2) return bad();
      [p, value] = [value.slice(0, 2), value.slice(2)];
      st.year = atoi(p);
      st.year += st.year >= 69 ? 1900 : 2000;
      return [value, ''];
    case Std.LongYear:
      if (value.length < 4 || !isDigit(value, 0)) return bad();
      st.year = atoi(value.slice(0, 4));
      return [value.slice(4), ''];
    case Std.Month:
    case Std.LongMonth: {
      const tab = std === Std.Month ? LONG_MONTHS.map((m) => m.slice(0, 3)) : LONG_MONTHS;
      [st.month, value] = lookup(tab, value);
      st.month++;
      return [value, ''];
    }
    case Std.NumMonth:
    case Std.ZeroMonth:
      [st.month, value] = getnum(value, std === Std.ZeroMonth);
      return [value, st.month <= 0 || st.month > 12 ? 'month' : ''];
    case Std.WeekDay:
      return [
        lookup(
          LONG_DAYS.map((d) => d.slice(0, 3)),
          value,
        )[1],
        '',
      ];
    case Std.LongWeekDay:
      return [lookup(LONG_DAYS, value)[1], ''];
    case Std.Day:
    case Std.UnderDay:
    case Std.ZeroDay:
      if (std === Std.UnderDay && value[0] === ' ') value = value.slice(1);
      [st.day, value] = getnum(value, std === Std.ZeroDay);
      return [value, ''];
    case Std.UnderYearDay:
    case Std.ZeroYearDay:
      for (let i = 0; i < 2; i++) if (std === Std.UnderYearDay && value[0] === ' ') value = value.slice(1);
      [st.yday, value] = getnum3(value, std === Std.ZeroYearDay);
      return [value, ''];
    case Std.Hour:
      [st.hour, value] = getnum(value, false);
      return [value, st.hour < 0 || st.hour >= 24 ? 'hour' : ''];
    case Std.Hour12:
    case Std.ZeroHour12:
      [st.hour, value] = getnum(value, std === Std.ZeroHour12);
      return [value, st.hour < 0 || st.hour > 12 ? 'hour' : ''];
    case Std.Minute:
    case Std.ZeroMinute:
      [st.min, value] = getnum(value, std === Std.ZeroMinute);
      return [value, st.min < 0 || st.min >= 60 ? 'minute' : ''];
    case Std.Second:
    case Std.ZeroSecond: {
      [st.sec, value] = getnum(value, std === Std.ZeroSecond);
      if (st.sec < 0 || st.sec >= 60) return [value, 'second'];
      if (value.length >= 2 && commaOrPeriod(value[0]) && isDigit(value, 1)) {
        const next = nextStdChunk(nextLayout).std;
        if (next === Std.FracSecond0 || next === Std.FracSecond9) return [value, ''];
        let n = 2;
        while (n < value.length && isDigit(value, n)) n++;
        st.nsec = parseNanoseconds(value, n);
        value = value.slice(n);
      }
      return [value, ''];
    }
    case Std.PM:
    case Std.pm: {
      if (value.length < 2) return bad();
      [p, value] = [value.slice(0, 2), value.slice(2)];
      const [am, pmText] = std === Std.PM ? ['AM', 'PM'] : ['am', 'pm'];
      if (p === pmText) st.pmSet = true;
      else if (p === am) st.amSet = true;
      else bad();
      return [value, ''];
    }
    case Std.ISO8601TZ:
    case Std.ISO8601ShortTZ:
    case Std.ISO8601ColonTZ:
    case Std.ISO8601SecondsTZ:
    case Std.ISO8601ColonSecondsTZ:
    case Std.NumTZ:
    case Std.NumShortTZ:
    case Std.NumColonTZ:
    case Std.NumSecondsTz:
    case Std.NumColonSecondsTZ: {
      if (std >= Std.ISO8601TZ && std <= Std.ISO8601ColonSecondsTZ && value[0] === 'Z') {
        st.zone = UTC;
        return [value.slice(1), ''];
      }
      let rangeErr: string;
      [st.zoneOffset, value, rangeErr] = tzNumber(std, value);
      return [value, rangeErr];
    }
    case Std.TZ: {
      if (value.startsWith('UTC')) {
        st.zone = UTC;
        return [value.slice(3), ''];
      }
      const n = parseTimeZone(value);
      if (n === 0) return bad();
      [st.zoneName, value] = [value.slice(0, n), value.slice(n)];
      return [value, ''];
    }
    case Std.FracSecond0: {
      const ndigit = 1 + digits;
      if (value.length < ndigit) return bad();
      st.nsec = parseNanoseconds(value, ndigit);
      return [value.slice(ndigit), ''];
    }
    case Std.FracSecond9: {
      if (value.length < 2 || !commaOrPeriod(value[0]) || !isDigit(value, 1)) return [value, ''];
      let i = 0;
      while (i + 1 < value.length && isDigit(value, i + 1)) i++;
      st.nsec = parseNanoseconds(value, 1 + i);
      return [value.slice(1 + i), ''];
    }
    default:
      return [value, ''];
  }
}
