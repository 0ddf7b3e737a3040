/** The RDecimal value: only for numbers outside the double range, exact, and keyed like its equals. */
import { describe, expect, it } from 'vitest';
import {
  compare,
  compareNumbers,
  equal,
  fromJS,
  keyOf,
  RDecimal,
  toJS,
  toJSONText,
} from '../../../../src/core/policy/rego/value.js';

const dec = (text: string): RDecimal => {
  const d = RDecimal.fromText(text);
  if (!d) throw new Error(`${text} fits a double`);
  return d;
};

describe('RDecimal', () => {
  it('is made only for text a double would turn into ±Infinity or 0', () => {
    for (const text of [
      '1e308',
      '1.7976931348623157e308',
      '5e-324',
      '0',
      '0.0e999',
      '-0',
      '12.5',
      'abc',
      '1e',
    ])
      expect(RDecimal.fromText(text), text).toBeUndefined();
    for (const text of ['2e308', '-1.8e308', '1e-400', '-2.4e-324', `1${'0'.repeat(400)}.5`])
      expect(RDecimal.fromText(text), text).toBeInstanceOf(RDecimal);
  });

  it('knows whether it is integral, huge or tiny, and within OPA bound', () => {
    expect([dec('2.5e308').integral, dec('2.5e308').huge]).toEqual([true, true]);
    expect([dec('1e-400').integral, dec('1e-400').huge]).toEqual([false, false]);
    expect(dec(`1${'0'.repeat(400)}.5`).integral).toBe(false);
    expect([dec('1e30102').inBounds, dec('1e30103').inBounds]).toEqual([true, false]);
    expect([dec('1e-30103').inBounds, dec('1e-30104').inBounds]).toEqual([true, false]);
  });

  it('compares exactly with doubles, bigints and other RDecimals', () => {
    const big = 2n * 10n ** 308n;
    expect(compareNumbers(dec('2e308'), big)).toBe(0);
    expect(compareNumbers(dec('2e308'), big + 1n)).toBe(-1);
    expect(compareNumbers(big - 1n, dec('20e307'))).toBe(-1);
    expect(compareNumbers(dec('2e308'), Number.MAX_VALUE)).toBe(1);
    expect(compareNumbers(dec('-2e308'), -Number.MAX_VALUE)).toBe(-1);
    expect(compareNumbers(dec('1e-400'), 5e-324)).toBe(-1);
    expect(compareNumbers(dec('1e-400'), 0)).toBe(1);
    expect(compareNumbers(dec('-1e-400'), 0)).toBe(-1);
    expect(compareNumbers(dec('1e-400'), dec('1.0e-400'))).toBe(0);
    expect(compareNumbers(dec('1e-400'), dec('1.1e-400'))).toBe(-1);
    expect(compare(dec('2e308'), 'a')).toBeLessThan(0);
    // Infinity only arrives through JS data, and lies beyond every RDecimal.
    expect(compareNumbers(dec('1e400'), Number.POSITIVE_INFINITY)).toBe(-1);
    expect(compareNumbers(Number.NEGATIVE_INFINITY, dec('-1e400'))).toBe(-1);
  });

  it('keys like every value equal to it, so sets and objects find it', () => {
    expect(keyOf(dec('2e308'))).toBe(keyOf(2n * 10n ** 308n));
    expect(keyOf(dec('2.0e308'))).toBe(keyOf(dec('20e307')));
    expect(keyOf(dec('1e-400'))).toBe(keyOf(dec('0.1e-399')));
    expect(keyOf(dec('1e-400'))).not.toBe(keyOf(dec('2e-400')));
    expect(equal([dec('2e308')], [2n * 10n ** 308n])).toBe(true);
  });

  it('negates its text and prints valid JSON', () => {
    expect(dec('2e308').negate().text).toBe('-2e308');
    expect(dec('-2e308').negate().text).toBe('2e308');
    expect(dec('+1e-400').negate().text).toBe('-1e-400');
    expect(toJSONText([dec('2E308'), dec('+1e-400'), dec('.5e-400')])).toBe('[2E308,1e-400,5e-401]');
  });

  it('passes through toJS and fromJS unchanged', () => {
    const d = dec('2e308');
    expect(toJS([d])).toEqual([d]);
    expect(fromJS([d])).toEqual([d]);
  });
});
