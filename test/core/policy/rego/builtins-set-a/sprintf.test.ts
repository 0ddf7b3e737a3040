import { describe, expect, it } from 'vitest';
import { formatFloat } from '../../../../../src/core/policy/rego/builtins/set-a/go-float.js';
import { call, obj, set } from './call.js';

const f = (format: string, ...args: unknown[]) => call('sprintf', format, args as never);

describe('sprintf (Go fmt)', () => {
  it('formats the conformance cases', () => {
    expect(f('hi')).toBe('hi');
    expect(f('hi %s', 'there')).toBe('hi there');
    expect(f('hi %02d', 5)).toBe('hi 05');
    expect(f('hi %02X.%02X', 127, 1)).toBe('hi 7F.01');
    expect(f('hi %.2f', 3.1415)).toBe('hi 3.14');
    expect(f('hi %s', true)).toBe('hi true');
    expect(f('hi %v', ['there', 5, 3.14])).toBe('hi ["there", 5, 3.14]');
    expect(f('%s', 123456789123456789123n)).toBe('123456789123456789123');
    expect(f('%s', 1208925819614629174706175n)).toBe('1208925819614629174706175');
    expect(f('%v', 18446744073709551618n)).toBe('18446744073709551618');
    expect(f('%s/%d', 'p', 3)).toBe('p/3');
  });

  it('prints composites as Rego text', () => {
    expect(f('%v', obj(['b', set(2, 1)], ['a', null]))).toBe('{"a": null, "b": {1, 2}}');
    expect(f('%v', set())).toBe('set()');
    expect(f('%v', [])).toBe('[]');
    expect(f('%v', obj())).toBe('{}');
    expect(f('%v', ['tab\there', '\u0001'])).toBe('["tab\\there", "\\x01"]');
  });

  it('formats integers with flags, width and precision', () => {
    expect(f('%5d|%-5d|%05d|%+d|% d', 42, 42, -42, 3, 3)).toBe('   42|42   |-0042|+3| 3');
    expect(f('%x %X %o %O %b %#x %#o %#b', 255, 255, 8, 8, 5, 255, 8, 5)).toBe(
      'ff FF 10 0o10 101 0xff 010 0b101',
    );
    expect(f('%.3d|%8.3d|%.0d', 7, -7, 0)).toBe('007|    -007|');
    expect(f('%c %q %U %#U', 65, 65, 0x1f600, 65)).toBe("A 'A' U+1F600 U+0041 'A'");
    expect(f('%x', 18446744073709551617n)).toBe('10000000000000001');
    expect(f('%08d', 18446744073709551617n)).toBe('18446744073709551617');
    expect(f('%25d|%-22d|', 18446744073709551617n, 18446744073709551617n)).toBe(
      '     18446744073709551617|18446744073709551617  |',
    );
  });

  it('formats floats as Go does, rounding exact ties to even', () => {
    expect(f('%v %v %v', 3.14, 1234567.5, 0.00001)).toBe('3.14 1.2345675e+06 1e-05');
    expect(f('%v', 1e21)).toBe('1e+21');
    expect(f('%f %e %E', 1.5, 1234.5678, 0.000123)).toBe('1.500000 1.234568e+03 1.230000E-04');
    expect(f('%.0f %.0f %.0f %.2f', 0.5, 1.5, 2.5, 0.125)).toBe('0 2 2 0.12');
    expect(f('%.1f %.2f', 0.05, 2.675)).toBe('0.1 2.67');
    expect(f('%g %.3g %G', 100000.5, 1234.5, 1e-7)).toBe('100000.5 1.23e+03 1E-07');
    expect(f('%8.2f|%-8.2f|%08.2f|%+.1f', 3.14159, 3.14159, -3.14159, 2.5)).toBe(
      '    3.14|3.14    |-0003.14|+2.5',
    );
    expect(f('%x %b', 3.5, 0.5)).toBe('0x1.cp+01 4503599627370496p-53');
  });

  it('keeps the sign of negative zero, as strconv.FormatFloat does', () => {
    expect(['g', 'e', 'f', 'x'].map((v) => formatFloat(-0, v, -1))).toEqual([
      '-0',
      '-0e+00',
      '-0',
      '-0x0p+00',
    ]);
    expect(formatFloat(0, 'g', -1)).toBe('0');
  });

  it('formats strings with precision, quoting and hex', () => {
    expect(f('%.2s|%5s|%-5s|', 'héllo', 'ab', 'ab')).toBe('hé|   ab|ab   |');
    expect(f('%q', 'a"b\n')).toBe('"a\\"b\\n"');
    expect(f('%#q', 'ab')).toBe('`ab`');
    expect(f('%+q', 'é')).toBe('"\\u00e9"');
    expect(f('%x|% X|%#x', 'hi', 'hi', 'hi')).toBe('6869|68 69|0x6869');
  });

  it('marks mismatched, missing and extra arguments like Go', () => {
    expect(f('%s', 5)).toBe('%!s(int64=5)');
    expect(f('%d', 'x')).toBe('%!d(string=x)');
    expect(f('%d', 1.5)).toBe('%!d(float64=1.5)');
    expect(f('%t', true)).toBe('%!t(string=true)');
    expect(f('%d %d', 1)).toBe('1 %!d(MISSING)');
    expect(f('%d', 1, 'a')).toBe('1%!(EXTRA string=a)');
    expect(f('%!', 1)).toBe('%!!(int64=1)');
    expect(f('%', 1)).toBe('%!(NOVERB)%!(EXTRA int64=1)');
    expect(f('%z', 1)).toBe('%!z(int64=1)');
    expect(f('%T %T %T %T', 1, 1.5, 'a', 18446744073709551617n)).toBe('int64 float64 string *big.Int');
    expect(f('%[2]d %[1]d', 1, 2)).toBe('2 1');
    expect(f('%[3]d', 1)).toBe('%!d(BADINDEX)');
    expect(f('%*d|%-*d|', 4, 7, 3, 7)).toBe('   7|7  |');
    expect(f('%*d', 'x', 7)).toBe('%!(BADWIDTH)7');
    expect(f('100%%')).toBe('100%');
  });
});
