/** Numbers a double cannot hold (`2e308`, `1e-400`) through Rego source, builtins and JSON, as OPA treats them. */
import { describe, expect, it } from 'vitest';
import { compile, parseJSON } from '../../../../src/core/policy/rego/index.js';
import { compareNumbers, RDecimal, toJSONText } from '../../../../src/core/policy/rego/value.js';
import { regoError } from './helpers.js';

const p = compile([{ name: 'p.rego', source: 'package p' }]);

/** The JSON text of `x` in `x := <expr>` (strict builtin errors), or `undefined`. */
function json(expr: string): string {
  const r = p.query(`x := ${expr}`, { strictBuiltinErrors: true });
  return r.length === 0 ? 'undefined' : toJSONText(r[0]!.get('x')!);
}

const holds = (expr: string) => json(expr) === 'true';
const errorOf = (expr: string) => regoError(() => json(expr)).message;
const digits = (lead: string, zeros: number) => lead + '0'.repeat(zeros);

describe('numbers a double cannot hold', () => {
  it('keep the text OPA prints: sprintf, json.marshal, results, template strings', () => {
    expect(json('sprintf("hi %v", [2e308])')).toBe('"hi 2e308"');
    expect(json('sprintf("%v|%s", [-2E308, 2.50e308])')).toBe('"-2E308|2.50e308"');
    expect(json('sprintf("%v", [[2e308, 1e-400]])')).toBe('"[2e308, 1e-400]"');
    expect(json('json.marshal([2e308, -2E308, 1e-400])')).toBe('"[2e308,-2E308,1e-400]"');
    expect(json('2e308')).toBe('2e308');
    expect(json('-1e-400')).toBe('-1e-400');
    expect(json('$"{2e308}"')).toBe('"2e308"');
  });

  it('go to sprintf as OPA hands them to Go: an overflow as its text, an underflow as ±0', () => {
    expect(json('sprintf("%d %f", [2e308, 2e308])')).toBe('"%!d(string=2e308) %!f(string=2e308)"');
    expect(json('sprintf("%v %v %e", [1e-400, -1e-400, 1e-400])')).toBe('"0 -0 0.000000e+00"');
  });

  it('compare, unify and key by exact value, against doubles and big integers too', () => {
    for (const t of [
      '2e308 == 20e307',
      '2.0e308 == 2e308',
      `2e308 == ${digits('2', 308)}`,
      '2e308 > 1e308',
      '2e308 < 1e400',
      '-2e308 < -1e308',
      '1e-400 > 0',
      '1e-400 != 0',
      '-1e-400 < 0',
      '1e-400 < 5e-324',
      '{"x": 2e308} == {"x": 20e307}',
      '[2e308, 1] == [20e307, 1]',
    ])
      expect(holds(t), t).toBe(true);
    expect(json('count({2e308, 20e307, 2.0e308, 1e-400, 10e-401})')).toBe('2');
    expect(json('{2e308: "a"}[20e307]')).toBe('"a"');
    expect(json('sort([2e308, 1, 1e-400, -2e308, 0])')).toBe('[-2e308,0,1e-400,1,2e308]');
    expect(json('max([1, 2e308])')).toBe('2e308');
  });

  it('compute exactly: integral results are big integers, a tiny fraction stays exact', () => {
    expect(json('2e308 + 1')).toBe(digits('2', 307).concat('1'));
    expect(json('2e308 / 2')).toBe(digits('1', 308));
    expect(json('sum([2e308, 2e308])')).toBe(digits('4', 308));
    expect(holds('2e308 * 2 == 4e308')).toBe(true);
    expect(json('2e308 % 7')).toBe('4');
    expect(json('1e-200 * 1e-200')).toBe('1e-400');
    expect(json('product([1e-400, 2.5e-400])')).toBe('2.5e-800');
    expect(json('1e-400 + 1')).toBe('1');
    expect(json('1e-400 - 1e-400')).toBe('0');
    expect(errorOf('1e-400 % 1')).toContain('rem: modulo on floating-point number');
  });

  it('round, truncate and take absolute values exactly', () => {
    expect(json('abs(-2e308)')).toBe(digits('2', 308));
    expect(json('abs(-1e-400)')).toBe('1e-400');
    expect([
      json('floor(1e-400)'),
      json('ceil(1e-400)'),
      json('floor(-1e-400)'),
      json('round(-1e-400)'),
    ]).toEqual(['0', '1', '-1', '0']);
    expect(json('round(2.5e308)')).toBe(digits('25', 307));
    expect(json('format_int(2e308, 10)')).toBe(`"${digits('2', 308)}"`);
    expect(json('format_int(-1e-400, 10)')).toBe('"0"');
  });

  it('are numbers to type checks, but never an index or an int operand', () => {
    expect(holds('is_number(2e308)')).toBe(true);
    expect(json('type_name(1e-400)')).toBe('"number"');
    expect(json('[1, 2, 3][1e-400]')).toBe('undefined');
    expect(errorOf('substring("abc", 2e308, 1)')).toContain(
      'must be integer number but got floating-point number',
    );
    expect(errorOf('time.date(2e308)')).toContain('timestamp too big');
  });

  it('come from JSON and to_number the way OPA reads them', () => {
    expect(holds('json.unmarshal("2e308") == 2e308')).toBe(true);
    expect(json('json.marshal(json.unmarshal("[2e308, 1e300]"))')).toBe(`"[2e308,${digits('1', 300)}]"`);
    expect(json('json.marshal(json.unmarshal("[1e400, 1e-400, -0.5e-999]"))')).toBe(
      '"[1e400,1e-400,-0.5e-999]"',
    );
    expect(json(`json.unmarshal("${digits('1', 400)}") == ${digits('1', 400)}`)).toBe('true');
    expect(errorOf('to_number("2e308")')).toContain('value out of range');
    expect(holds('to_number("1e-400") > 0')).toBe(true);
    expect(errorOf('json.marshal(to_number("+1e-400"))')).toContain('json: invalid number literal "+1e-400"');
    expect(holds('json.is_valid("1e99999")')).toBe(true);
    expect(errorOf('json.unmarshal("1e99999")')).toContain('json.unmarshal: number too big');
  });

  it('are refused past the bound OPA puts on literals (2^±100000) as "number too big"', () => {
    for (const lit of ['1e99999', '-1e-99999', '9'.repeat(40_000)]) {
      const e = regoError(() => compile([{ name: 'p.rego', source: `package p\nx := ${lit}` }]));
      expect(e.code).toBe('rego_parse_error');
      expect(e.message).toContain('number too big');
    }
    expect(json('1e30000')).toBe('1e30000');
  });

  it('survive parseJSON, where JSON.parse would turn them into Infinity and 0', () => {
    const v = parseJSON('{"big": 2e308, "tiny": -1e-400, "n": 18446744073709551617}');
    expect(toJSONText(v)).toBe('{"big":2e308,"n":18446744073709551617,"tiny":-1e-400}');
    expect(JSON.parse('2e308')).toBe(Number.POSITIVE_INFINITY);
    const big = parseJSON('[2e308]') as RDecimal[];
    expect(big[0]).toBeInstanceOf(RDecimal);
    expect(compareNumbers(big[0]!, Number.MAX_VALUE)).toBe(1);
    expect(regoError(() => parseJSON('[1,')).code).toBe('rego_parse_error');
  });
});
