import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { formatDuration, parseDuration } from '../../../src/core/requests/duration.js';

const MAX = 7 * 86_400;

describe('parseDuration', () => {
  it.each([
    ['30m', 1800],
    ['2h30m', 9000],
    ['1d', 86_400],
    ['90s', 90],
    ['3600', 3600],
    ['1d2h3m4s', 93_784],
    [' 2H ', 7200],
    [45, 45],
  ])('%s → %i seconds', (input, seconds) => {
    expect(parseDuration(input, MAX)).toBe(seconds);
  });

  it.each([
    ['0', /greater than zero/],
    ['0m', /greater than zero/],
    [0, /greater than zero/],
    ['-5m', /positive/],
    [-30, /positive/],
    ['8d', /exceeds the maximum of 7d/],
    ['99999999999999999999', /positive|exceeds/],
    ['1.5h', /invalid duration/],
    ['30x', /invalid duration/],
    ['m', /invalid duration/],
    ['30m2h', /invalid duration/],
    ['1h1h', /invalid duration/],
    ['', /empty/],
    ['x'.repeat(1_000_000), /too long/],
    [1.5, /whole number/],
    [Number.NaN, /whole number/],
    [Number.POSITIVE_INFINITY, /whole number/],
    [null, /must be a string/],
    [{ h: 1 }, /must be a string/],
  ])('rejects %j', (input, message) => {
    let err: unknown;
    try {
      parseDuration(input, MAX);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION');
    expect((err as AppError).message).toMatch(message);
    expect((err as AppError).message.length).toBeLessThan(200);
  });

  it('formats what it parses', () => {
    for (const s of ['30m', '2h30m', '1d', '1m30s', '1d2h3m4s'])
      expect(formatDuration(parseDuration(s, MAX))).toBe(s);
  });
});
