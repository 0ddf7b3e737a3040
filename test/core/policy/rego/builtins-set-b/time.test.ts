import { describe, expect, it } from 'vitest';
import { call, callIn, context, errorOf } from './helpers.js';

describe('time.parse_ns and time.parse_rfc3339_ns', () => {
  it('parses Go reference layouts and named layouts to exact nanoseconds', () => {
    expect(call('time.parse_ns', '2006-01-02T15:04:05Z07:00', '2017-06-02T19:00:00-07:00')).toBe(
      1496455200000000000n,
    );
    expect(call('time.parse_ns', "01/02 03:04:05PM '06 -0700", "06/02 07:00:00PM '17 -0700")).toBe(
      1496455200000000000n,
    );
    expect(call('time.parse_ns', '02 Jan 06 15:04 -0700', '02 Jun 17 19:00 -0700')).toBe(
      1496455200000000000n,
    );
    expect(call('time.parse_ns', 'RFC822Z', '02 Jun 17 19:00 -0700')).toBe(1496455200000000000n);
    expect(call('time.parse_ns', '2006-01-02', '2020-02-02')).toBe(1580601600000000000n);
  });

  it('accepts the int64 extremes and rejects one nanosecond beyond', () => {
    const layout = '2006-01-02T15:04:05Z07:00';
    expect(call('time.parse_ns', layout, '1677-09-21T00:12:43.145224192-00:00')).toBe(-9223372036854775808n);
    expect(call('time.parse_rfc3339_ns', '2262-04-11T23:47:16.854775807-00:00')).toBe(9223372036854775807n);
    expect(call('time.parse_rfc3339_ns', '1970-01-01T00:00:00-00:00')).toBe(0);
    expect(errorOf('time.parse_ns', layout, '1677-09-21T00:12:43.145224191-00:00')).toBe(
      'eval_builtin_error: time outside of valid range',
    );
    expect(errorOf('time.parse_rfc3339_ns', '2262-04-11T23:47:16.854775808-00:00')).toBe(
      'eval_builtin_error: time outside of valid range',
    );
  });

  it("reports Go's parse errors", () => {
    expect(errorOf('time.parse_rfc3339_ns', '2020-13-01T00:00:00Z')).toBe(
      'eval_builtin_error: parsing time "2020-13-01T00:00:00Z": month out of range',
    );
    expect(errorOf('time.parse_ns', '2006-01-02', 'x2020-01-01')).toBe(
      'eval_builtin_error: parsing time "x2020-01-01" as "2006-01-02": cannot parse "x2020-01-01" as "2006"',
    );
    expect(errorOf('time.parse_ns', '2006-01-02', '2020-02-30')).toBe(
      'eval_builtin_error: parsing time "2020-02-30": day out of range',
    );
    expect(errorOf('time.parse_ns', '2006-01-02', '2020-02-03 extra')).toBe(
      'eval_builtin_error: parsing time "2020-02-03 extra": extra text: " extra"',
    );
    expect(errorOf('time.parse_ns', 1, 'x')).toBe('eval_type_error: operand 1 must be string but got number');
  });

  it('handles zone abbreviations, 12-hour clocks and year days', () => {
    expect(call('time.parse_ns', 'RFC1123', 'Fri, 02 Jun 2017 19:00:00 UTC')).toBe(1496430000000000000n);
    expect(call('time.parse_ns', 'Jan 2 2006 3:04PM MST', 'Jun 2 2017 7:00PM GMT+2')).toBe(
      1496422800000000000n,
    );
    expect(call('time.parse_ns', '2006 002', '2020 060')).toBe(
      call('time.parse_ns', '2006-01-02', '2020-02-29'),
    );
  });
});

describe('time.parse_duration_ns', () => {
  it('parses Go durations exactly', () => {
    expect(call('time.parse_duration_ns', '100ms')).toBe(100000000);
    expect(call('time.parse_duration_ns', '1h30m')).toBe(5400000000000);
    expect(call('time.parse_duration_ns', '-1.5s')).toBe(-1500000000);
    expect(call('time.parse_duration_ns', '1µs')).toBe(1000);
    expect(call('time.parse_duration_ns', '2562047h47m16.854775807s')).toBe(9223372036854775807n);
    expect(call('time.parse_duration_ns', '0')).toBe(0);
  });

  it("reports Go's duration errors", () => {
    expect(errorOf('time.parse_duration_ns', '1x')).toBe(
      'eval_builtin_error: time: unknown unit "x" in duration "1x"',
    );
    expect(errorOf('time.parse_duration_ns', '12')).toBe(
      'eval_builtin_error: time: missing unit in duration "12"',
    );
    expect(errorOf('time.parse_duration_ns', '')).toBe('eval_builtin_error: time: invalid duration ""');
    expect(errorOf('time.parse_duration_ns', '2562048h')).toBe(
      'eval_builtin_error: time: invalid duration "2562048h"',
    );
  });
});

describe('calendar builtins', () => {
  const ns = 1517832000n * 1_000_000_000n; // 2018-02-05T12:00:00Z, a Monday

  it('breaks timestamps down in UTC and in IANA zones', () => {
    expect(call('time.date', ns)).toEqual([2018, 2, 5]);
    expect(call('time.date', [1517814000n * 1_000_000_000n, 'America/Los_Angeles'])).toEqual([2018, 2, 4]);
    expect(call('time.date', [ns, ''])).toEqual([2018, 2, 5]);
    expect(call('time.date', 1582977600n * 1_000_000_000n)).toEqual([2020, 2, 29]);
    expect(call('time.clock', ns)).toEqual([12, 0, 0]);
    expect(call('time.clock', [ns, 'America/New_York'])).toEqual([7, 0, 0]);
    expect(call('time.weekday', ns)).toBe('Monday');
    expect(call('time.weekday', 1518350400000000000n)).toBe('Sunday');
    expect(call('time.date', -1)).toEqual([1969, 12, 31]);
  });

  it('rejects timestamps outside int64 and non-integral ones', () => {
    const big = 1582977600n * 1_000_000_000_000n;
    expect(errorOf('time.date', big)).toBe('eval_builtin_error: timestamp too big');
    expect(errorOf('time.clock', big)).toBe('eval_builtin_error: timestamp too big');
    expect(errorOf('time.weekday', big)).toBe('eval_builtin_error: timestamp too big');
    expect(errorOf('time.format', 1582977600 * 10e12)).toBe('eval_builtin_error: timestamp too big');
    expect(errorOf('time.date', 1.5)).toBe('eval_builtin_error: timestamp too big');
    expect(errorOf('time.date', [ns, 'Mars/Olympus'])).toBe(
      'eval_builtin_error: unknown time zone Mars/Olympus',
    );
    expect(errorOf('time.date', 'x')).toBe(
      'eval_type_error: operand 1 must be either number (ns) or [number (ns), string (tz)] but got string',
    );
    expect(errorOf('time.date', [])).toBe(
      'eval_type_error: operand 1 must be either number (ns) or [number (ns), string (tz)] but got array',
    );
  });

  it('adds calendar units with Go normalization and range checks', () => {
    expect(call('time.add_date', 1585852421593912000n, 3, 9, 12)).toBe(1705257221593912000n);
    expect(call('time.add_date', 1585852421593912000n, -1, -1, -1)).toBe(1551465221593912000n);
    // 2020-01-31 + 1 month = 2020-03-02 (Feb 31 normalizes forward)
    expect(call('time.add_date', 1580428800000000000n, 0, 1, 0)).toBe(1583107200000000000n);
    expect(errorOf('time.add_date', 0, 2262, 1, 1)).toBe('eval_builtin_error: time outside of valid range');
    expect(errorOf('time.add_date', -9223372036854775808n, 0, 0, -1)).toBe(
      'eval_builtin_error: time outside of valid range',
    );
    expect(errorOf('time.add_date', 0, 1.5, 0, 0)).toBe(
      'eval_type_error: operand 2 must be integer number but got floating-point number',
    );
  });

  it('computes calendar differences like OPA', () => {
    const d = (s: string) => call('time.parse_ns', '2006-01-02', s)!;
    expect(call('time.diff', d('2020-02-02'), d('2020-03-01'))).toEqual([0, 0, 28, 0, 0, 0]);
    expect(call('time.diff', d('2021-02-02'), d('2021-03-01'))).toEqual([0, 0, 27, 0, 0, 0]);
    expect(call('time.diff', d('2004-02-29'), d('2005-03-01'))).toEqual([1, 0, 1, 0, 0, 0]);
    expect(call('time.diff', 61_000_000_000, 0)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(call('time.diff', [60_000_000_000, 'UTC'], [0, 'Asia/Shanghai'])).toEqual([0, 0, 0, 0, 1, 0]);
  });
});

describe('time.format', () => {
  const ns = 1670006453141828752n;

  it('formats with the default RFC3339Nano layout, zones, custom and named layouts', () => {
    expect(call('time.format', ns)).toBe('2022-12-02T18:40:53.141828752Z');
    expect(call('time.format', [ns, 'Asia/Kolkata'])).toBe('2022-12-03T00:10:53.141828752+05:30');
    expect(call('time.format', [ns, 'Asia/Kolkata', 'Mon Jan 02 15:04:05 -0700 2006'])).toBe(
      'Sat Dec 03 00:10:53 +0530 2022',
    );
    expect(call('time.format', [ns, 'Asia/Kolkata', 'RFC1123Z'])).toBe('Sat, 03 Dec 2022 00:10:53 +0530');
    expect(call('time.format', [ns, 'UTC', 'Monday January _2 3:4:5.000 pm 06 002 Z07:00'])).toBe(
      'Friday December  2 6:40:53.141 pm 22 336 Z',
    );
    expect(call('time.format', [ns, 'America/New_York', 'RFC1123'])).toBe('Fri, 02 Dec 2022 13:40:53 EST');
  });
});

describe('time.now_ns', () => {
  it('returns the evaluation clock, identical for the whole evaluation', () => {
    const ctx = context(1700000000000000001n);
    expect(callIn(ctx, 'time.now_ns')).toBe(1700000000000000001n);
    expect(callIn(ctx, 'time.now_ns')).toBe(callIn(ctx, 'time.now_ns'));
  });
});
