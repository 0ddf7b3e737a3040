/**
 * Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"): the layout tokenizer shared by
 * parsing and formatting, the named layout constants OPA accepts, and Time.Format.
 */
import { civil, type GoTime } from './go-civil.js';

export enum Std {
  None = 0,
  LongMonth,
  Month,
  NumMonth,
  ZeroMonth,
  LongWeekDay,
  WeekDay,
  Day,
  UnderDay,
  ZeroDay,
  UnderYearDay,
  ZeroYearDay,
  Hour,
  Hour12,
  ZeroHour12,
  Minute,
  ZeroMinute,
  Second,
  ZeroSecond,
  LongYear,
  Year,
  PM,
  pm,
  TZ,
  ISO8601TZ,
  ISO8601SecondsTZ,
  ISO8601ShortTZ,
  ISO8601ColonTZ,
  ISO8601ColonSecondsTZ,
  NumTZ,
  NumSecondsTz,
  NumShortTZ,
  NumColonTZ,
  NumColonSecondsTZ,
  FracSecond0,
  FracSecond9,
}

export interface Chunk {
  prefix: string;
  std: Std;
  /** Digits of a fractional-second element. */
  digits: number;
  /** '.' or ',' for fractional seconds. */
  sep: string;
  suffix: string;
}

/** Layout names OPA maps to Go's constants (time.parse_ns and time.format). */
export const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
};

export const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const startsWithLower = (s: string) => s.length > 0 && s[0]! >= 'a' && s[0]! <= 'z';
const isDigitAt = (s: string, i: number) => i < s.length && s[i]! >= '0' && s[i]! <= '9';
const STD0X = [Std.ZeroMonth, Std.ZeroDay, Std.ZeroHour12, Std.ZeroMinute, Std.ZeroSecond, Std.Year];
const TZ_PREFIXES: [string, Std, Std][] = [
  ['070000', Std.NumSecondsTz, Std.ISO8601SecondsTZ],
  ['07:00:00', Std.NumColonSecondsTZ, Std.ISO8601ColonSecondsTZ],
  ['0700', Std.NumTZ, Std.ISO8601TZ],
  ['07:00', Std.NumColonTZ, Std.ISO8601ColonTZ],
  ['07', Std.NumShortTZ, Std.ISO8601ShortTZ],
];

/** Go's `nextStdChunk`: the text before the first layout element, the element, and the rest. */
export function nextStdChunk(layout: string): Chunk {
  const chunk = (i: number, std: Std, len: number, digits = 0, sep = '.'): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    digits,
    sep,
    suffix: layout.slice(i + len),
  });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i]!;
    const rest = layout.slice(i);
    switch (c) {
      case 'J':
        if (rest.startsWith('Jan')) {
          if (rest.startsWith('January')) return chunk(i, Std.LongMonth, 7);
          if (!startsWithLower(rest.slice(3))) return chunk(i, Std.Month, 3);
        }
        break;
      case 'M':
        if (rest.startsWith('Mon')) {
          if (rest.startsWith('Monday')) return chunk(i, Std.LongWeekDay, 6);
          if (!startsWithLower(rest.slice(3))) return chunk(i, Std.WeekDay, 3);
        }
        if (rest.startsWith('MST')) return chunk(i, Std.TZ, 3);
        break;
      case '0':
        if (rest.length >= 2 && rest[1]! >= '1' && rest[1]! <= '6')
          return chunk(i, STD0X[rest.charCodeAt(1) - 49]!, 2);
        if (rest.startsWith('002')) return chunk(i, Std.ZeroYearDay, 3);
        break;
      case '1':
        if (rest.startsWith('15')) return chunk(i, Std.Hour, 2);
        return chunk(i, Std.NumMonth, 1);
      case '2':
        if (rest.startsWith('2006')) return chunk(i, Std.LongYear, 4);
        return chunk(i, Std.Day, 1);
      case '_':
        if (rest.startsWith('_2')) {
          if (rest.startsWith('_2006'))
            return { ...chunk(i + 1, Std.LongYear, 4), prefix: layout.slice(0, i + 1) };
          return chunk(i, Std.UnderDay, 2);
        }
        if (rest.startsWith('__2')) return chunk(i, Std.UnderYearDay, 3);
        break;
      case '3':
        return chunk(i, Std.Hour12, 1);
      case '4':
        return chunk(i, Std.Minute, 1);
      case '5':
        return chunk(i, Std.Second, 1);
      case 'P':
        if (rest.startsWith('PM')) return chunk(i, Std.PM, 2);
        break;
      case 'p':
        if (rest.startsWith('pm')) return chunk(i, Std.pm, 2);
        break;
      case '-':
      case 'Z':
        for (const [p, num, iso] of TZ_PREFIXES) {
          if (rest.startsWith(p, 1)) return chunk(i, c === '-' ? num : iso, p.length + 1);
        }
        break;
      case '.':
      case ',':
        if (rest[1] === '0' || rest[1] === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === rest[1]) j++;
          if (!isDigitAt(layout, j)) {
            return chunk(i, rest[1] === '0' ? Std.FracSecond0 : Std.FracSecond9, j - i, j - i - 1, c);
          }
        }
        break;
    }
  }
  return { prefix: layout, std: Std.None, digits: 0, sep: '.', suffix: '' };
}

/** Go's `appendInt` with zero padding to `width`. */
export function padInt(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

function formatOffset(std: Std, offset: number): string {
  let zone = Math.trunc(offset / 60);
  let abs = offset;
  let out = '+';
  if (zone < 0) {
    out = '-';
    zone = -zone;
    abs = -abs;
  }
  out += padInt(Math.trunc(zone / 60), 2);
  const colon = [
    Std.ISO8601ColonTZ,
    Std.NumColonTZ,
    Std.ISO8601ColonSecondsTZ,
    Std.NumColonSecondsTZ,
  ].includes(std);
  if (colon) out += ':';
  if (std !== Std.NumShortTZ && std !== Std.ISO8601ShortTZ) out += padInt(zone % 60, 2);
  if (
    [Std.ISO8601SecondsTZ, Std.NumSecondsTz, Std.NumColonSecondsTZ, Std.ISO8601ColonSecondsTZ].includes(std)
  ) {
    if (std === Std.NumColonSecondsTZ || std === Std.ISO8601ColonSecondsTZ) out += ':';
    out += padInt(abs % 60, 2);
  }
  return out;
}

function formatNano(nsec: number, digits: number, sep: string, trim: boolean): string {
  if (trim && (digits === 0 || nsec === 0)) return '';
  let s = padInt(nsec, 9).slice(0, digits);
  if (trim) s = s.replace(/0+$/, '');
  return s === '' && trim ? '' : sep + s;
}

/** Go's `Time.Format`. */
export function goFormat(t: GoTime, layout: string): string {
  const c = civil(t);
  let out = '';
  let rest = layout;
  for (;;) {
    const ch = nextStdChunk(rest);
    out += ch.prefix;
    if (ch.std === Std.None) return out;
    rest = ch.suffix;
    out += formatElement(ch, c);
  }
}

function formatElement(ch: Chunk, c: ReturnType<typeof civil>): string {
  const hour12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
  switch (ch.std) {
    case Std.Year:
      return padInt(Math.abs(c.year) % 100, 2);
    case Std.LongYear:
      return padInt(c.year, 4);
    case Std.Month:
      return LONG_MONTHS[c.month - 1]!.slice(0, 3);
    case Std.LongMonth:
      return LONG_MONTHS[c.month - 1]!;
    case Std.NumMonth:
      return String(c.month);
    case Std.ZeroMonth:
      return padInt(c.month, 2);
    case Std.WeekDay:
      return LONG_DAYS[c.weekday]!.slice(0, 3);
    case Std.LongWeekDay:
      return LONG_DAYS[c.weekday]!;
    case Std.Day:
      return String(c.day);
    case Std.UnderDay:
      return c.day < 10 ? ` ${c.day}` : String(c.day);
    case Std.ZeroDay:
      return padInt(c.day, 2);
    case Std.UnderYearDay:
      return String(c.yday).padStart(3, ' ');
    case Std.ZeroYearDay:
      return padInt(c.yday, 3);
    case Std.Hour:
      return padInt(c.hour, 2);
    case Std.Hour12:
      return String(hour12);
    case Std.ZeroHour12:
      return padInt(hour12, 2);
    case Std.Minute:
      return String(c.minute);
    case Std.ZeroMinute:
      return padInt(c.minute, 2);
    case Std.Second:
      return String(c.second);
    case Std.ZeroSecond:
      return padInt(c.second, 2);
    case Std.PM:
      return c.hour >= 12 ? 'PM' : 'AM';
    case Std.pm:
      return c.hour >= 12 ? 'pm' : 'am';
    case Std.ISO8601TZ:
    case Std.ISO8601SecondsTZ:
    case Std.ISO8601ShortTZ:
    case Std.ISO8601ColonTZ:
    case Std.ISO8601ColonSecondsTZ:
      return c.offset === 0 ? 'Z' : formatOffset(ch.std, c.offset);
    case Std.NumTZ:
    case Std.NumSecondsTz:
    case Std.NumShortTZ:
    case Std.NumColonTZ:
    case Std.NumColonSecondsTZ:
      return formatOffset(ch.std, c.offset);
    case Std.TZ:
      return c.abbr !== '' ? c.abbr : formatOffset(Std.NumTZ, c.offset);
    case Std.FracSecond0:
    case Std.FracSecond9:
      return formatNano(c.nsec, ch.digits, ch.sep, ch.std === Std.FracSecond9);
    default:
      return '';
  }
}
