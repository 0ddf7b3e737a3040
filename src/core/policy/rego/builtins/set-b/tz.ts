/**
 * Time zones for the time builtins. Go loads IANA tzdata; Node has the same database through
 * Intl (ICU), so offsets come from Intl and abbreviations from the locale that names the zone.
 */
import { builtinError } from '../types.js';

export interface Zone {
  /** Go's Location name ("UTC", "Local", "America/New_York", or a parsed zone's abbreviation). */
  readonly name: string;
  /** Set for UTC and fixed zones (seconds east of UTC). */
  readonly fixedOffset?: number;
  /** IANA zone id for Intl lookups. */
  readonly iana?: string;
}

export const UTC: Zone = { name: 'UTC', fixedOffset: 0 };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(iana: string, locale = 'en-US', timeZoneName?: 'short'): Intl.DateTimeFormat {
  const key = `${iana}|${locale}|${timeZoneName ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    f = timeZoneName
      ? new Intl.DateTimeFormat(locale, { timeZone: iana, timeZoneName })
      : new Intl.DateTimeFormat('en-US', {
          timeZone: iana,
          hourCycle: 'h23',
          era: 'short',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
    formatters.set(key, f);
  }
  return f;
}

/** Go's `time.LoadLocation` (plus OPA's "" alias for UTC). */
export function loadLocation(name: string): Zone {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') {
    const iana = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    return iana === 'UTC' || iana === 'Etc/UTC' ? { name: 'Local', fixedOffset: 0 } : { name: 'Local', iana };
  }
  // Go rejects paths and offsets; Intl would accept "+05:00" or lower-cased ids.
  if (/^[+-]/.test(name) || name.includes('..') || name.startsWith('/')) throw unknownZone(name);
  try {
    formatter(name);
  } catch {
    throw unknownZone(name);
  }
  return { name, iana: name };
}

const unknownZone = (name: string) => builtinError(`unknown time zone ${name}`);

const MS_LIMIT = 8.64e15;

function ianaOffset(iana: string, sec: number): number {
  const ms = Math.max(-MS_LIMIT, Math.min(MS_LIMIT, sec * 1000));
  const parts = formatter(iana).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? '0');
  const bc = parts.find((p) => p.type === 'era')?.value === 'BC';
  const year = bc ? 1 - get('year') : get('year');
  const local = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to the 1900s.
  local.setUTCFullYear(year, get('month') - 1, get('day'));
  local.setUTCHours(get('hour'), get('minute'), get('second'), 0);
  return Math.round((local.getTime() - ms) / 1000);
}

/**
 * Which locale names a region's zones the way tzdata abbreviates them (en-US knows only American
 * zones; tzdata uses numeric "+09"-style names wherever no English abbreviation is established).
 */
const REGION_LOCALES: [RegExp, string][] = [
  [/^(Europe|Atlantic)\//, 'en-GB'],
  [/^Asia\/(Kolkata|Calcutta)$/, 'en-IN'],
  [/^Australia\//, 'en-AU'],
  [/^(Pacific\/(Auckland|Chatham)|NZ)$/, 'en-NZ'],
  [/^Africa\/(Johannesburg|Maseru|Mbabane)$/, 'en-ZA'],
];

/** Zones whose tzdata abbreviation no English locale reproduces. */
const FIXED_ABBR: Record<string, string> = {
  'Asia/Tokyo': 'JST',
  'Asia/Seoul': 'KST',
  'Asia/Shanghai': 'CST',
  'Asia/Hong_Kong': 'HKT',
  'Asia/Karachi': 'PKT',
  'Asia/Jakarta': 'WIB',
  'Europe/Moscow': 'MSK',
};

function numericAbbr(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = Math.floor((abs % 3600) / 60);
  return mm === 0 ? `${sign}${hh}` : `${sign}${hh}${String(mm).padStart(2, '0')}`;
}

function ianaAbbr(iana: string, sec: number, offset: number): string {
  const fixed = FIXED_ABBR[iana];
  if (fixed) return fixed;
  const date = new Date(Math.max(-MS_LIMIT, Math.min(MS_LIMIT, sec * 1000)));
  const locales = ['en-US', ...REGION_LOCALES.filter(([re]) => re.test(iana)).map(([, l]) => l)];
  for (const locale of locales.reverse()) {
    const name = formatter(iana, locale, 'short')
      .formatToParts(date)
      .find((p) => p.type === 'timeZoneName')?.value;
    if (name && !/^(GMT|UTC)[+-−]/.test(name))
      return name === 'UTC' && offset !== 0 ? numericAbbr(offset) : name;
  }
  return numericAbbr(offset);
}

/** Offset (seconds east of UTC) and abbreviation of `zone` at Unix second `sec`. */
export function zoneAt(zone: Zone, sec: number): { offset: number; abbr: string } {
  if (zone.fixedOffset !== undefined)
    return { offset: zone.fixedOffset, abbr: zone.name === 'Local' ? 'UTC' : zone.name };
  const offset = ianaOffset(zone.iana!, sec);
  return { offset, abbr: ianaAbbr(zone.iana!, sec, offset) };
}

/** A zone with a fixed offset, as Go's time.FixedZone. */
export function fixedZone(name: string, offset: number): Zone {
  return { name, fixedOffset: offset };
}
