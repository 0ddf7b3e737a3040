/** Go's `time.Parse(layout, value)` with UTC as the default zone, including Go's error texts. */
import { daysIn, type GoTime, goDate, isLeap } from './go-civil.js';
import { atoi, Bad, element, type State, skip } from './go-time-element.js';
import { nextStdChunk, Std } from './go-time-layout.js';
import { fixedZone, UTC, type Zone } from './tz.js';

/** Go's time.ParseError. */
export class TimeParseError extends Error {}

/** Go's `time.quote`: non-ASCII and control bytes as \x escapes. */
export function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x80 || cp < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  }
  return `${out}"`;
}

const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

/** Go's `time.Parse`; throws TimeParseError with Go's message. */
export function goParse(layout: string, value: string): GoTime {
  const fail = (layoutElem: string, valueElem: string, message: string): never => {
    const text = message
      ? `parsing time ${timeQuote(value)}${message}`
      : `parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`;
    throw new TimeParseError(text);
  };
  const st: State = {
    year: 0,
    month: -1,
    day: -1,
    yday: -1,
    hour: 0,
    min: 0,
    sec: 0,
    nsec: 0,
    zoneOffset: -1,
    zoneName: '',
    amSet: false,
    pmSet: false,
  };
  let rest = layout;
  let v = value;
  for (;;) {
    const ch = nextStdChunk(rest);
    const stdstr = rest.slice(ch.prefix.length, rest.length - ch.suffix.length);
    try {
      v = skip(v, ch.prefix);
    } catch {
      fail(ch.prefix, v, '');
    }
    if (ch.std === Std.None) {
      if (v.length !== 0) fail('', v, `: extra text: ${timeQuote(v)}`);
      break;
    }
    rest = ch.suffix;
    const hold = v;
    let rangeErr = '';
    try {
      [v, rangeErr] = element(ch.std, ch.digits, v, st, rest);
    } catch (e) {
      if (!(e instanceof Bad)) throw e;
      fail(stdstr, hold, '');
    }
    if (rangeErr) fail(stdstr, v, `: ${rangeErr} out of range`);
  }
  if (st.pmSet && st.hour < 12) st.hour += 12;
  else if (st.amSet && st.hour === 12) st.hour = 0;
  resolveYearDay(st, (msg) => fail('', v, msg));
  if (st.day < 1 || st.day > daysIn(st.month, st.year)) fail('', v, ': day out of range');
  return resolveZone(st);
}

function resolveYearDay(st: State, fail: (msg: string) => never): void {
  if (st.yday < 0) {
    if (st.month < 0) st.month = 1;
    if (st.day < 0) st.day = 1;
    return;
  }
  let d = 0;
  let m = 0;
  let yday = st.yday;
  if (isLeap(st.year)) {
    if (yday === 31 + 29) {
      m = 2;
      d = 29;
    } else if (yday > 31 + 29) yday--;
  }
  if (yday < 1 || yday > 365) fail(': day-of-year out of range');
  if (m === 0) {
    m = Math.floor((yday - 1) / 31) + 1;
    if (DAYS_BEFORE[m]! < yday) m++;
    d = yday - DAYS_BEFORE[m - 1]!;
  }
  if (st.month >= 0 && st.month !== m) fail(': day-of-year does not match month');
  st.month = m;
  if (st.day >= 0 && st.day !== d) fail(': day-of-year does not match day');
  st.day = d;
}

function resolveZone(st: State): GoTime {
  const wall = (zone: Zone) => goDate(st.year, st.month, st.day, st.hour, st.min, st.sec, st.nsec, zone);
  if (st.zone) return wall(st.zone);
  if (st.zoneOffset !== -1) {
    const t = wall(UTC);
    return { sec: t.sec - st.zoneOffset, nsec: t.nsec, zone: fixedZone(st.zoneName, st.zoneOffset) };
  }
  if (st.zoneName !== '') {
    // Go looks the abbreviation up in the local zone; unknown names get offset 0 (GMT±h excepted).
    const t = wall(UTC);
    const offset =
      st.zoneName.length > 3 && st.zoneName.startsWith('GMT') ? atoi(st.zoneName.slice(3)) * 3600 : 0;
    return { sec: t.sec - offset, nsec: t.nsec, zone: fixedZone(st.zoneName, offset) };
  }
  return wall(UTC);
}
