import { describe, expect, it } from 'vitest';
import { call, expectError, members, set } from './call.js';

describe('arithmetic', () => {
  it('adds, subtracts and multiplies integers exactly beyond 2^53', () => {
    expect(call('plus', 18446744073709551617n, 1)).toBe(18446744073709551618n);
    expect(call('minus', 18446744073709551617n, 1)).toBe(18446744073709551616n);
    expect(call('mul', 18446744073709551617n, 2)).toBe(36893488147419103234n);
    expect(call('plus', 123456789012345678901234567890n, 1)).toBe(123456789012345678901234567891n);
    expect(call('minus', -18446744073709551617n, 1)).toBe(-18446744073709551618n);
    expect(call('plus', 9223372036854775807n, 1)).toBe(9223372036854775808n);
    expect(call('plus', 9007199254740991, 10)).toBe(9007199254741001n);
    expect(call('plus', 49649733057, 1)).toBe(49649733058);
  });

  it('computes decimals exactly before rounding to a double, as OPA does', () => {
    expect(call('plus', 0.1, 0.2)).toBe(0.3);
    expect(call('mul', 1.1, 1.1)).toBe(1.21);
    expect(call('plus', 1.5, 2.5)).toBe(4);
    expect(call('plus', 1, 2.5)).toBe(3.5);
    expect(call('mul', 2.5, 2)).toBe(5);
    expect(call('minus', 0.3, 0.1)).toBe(0.2);
  });

  it('divides to an integer when exact and to a float otherwise', () => {
    expect(call('div', 10, 2)).toBe(5);
    expect(call('div', 10, 4)).toBe(2.5);
    expect(call('div', 1, 3)).toBeCloseTo(1 / 3, 15);
    expect(call('div', 0.3, 0.1)).toBe(3);
    expect(call('div', 36893488147419103234n, 2)).toBe(18446744073709551617n);
    expectError('eval_builtin_error', 'divide by zero', 'div', 1, 0);
    expectError('eval_builtin_error', 'divide by zero', 'div', 1.5, 0);
  });

  it('takes remainders of integers only', () => {
    expect(call('rem', 7, 4)).toBe(3);
    expect(call('rem', -7, 4)).toBe(-3);
    expect(call('rem', 10, 18446744073709551616n)).toBe(10);
    expect(call('rem', 5, 55340232221128654848n)).toBe(5);
    expect(call('rem', 100, -18446744073709551616n)).toBe(100);
    expect(call('rem', 18446744073709551617n, 18446744073709551616n)).toBe(1);
    expectError('eval_builtin_error', 'modulo by zero', 'rem', 7, 0);
    expectError('eval_builtin_error', 'modulo on floating-point number', 'rem', 1.1, 1);
  });

  it('reports operand types in OPA order for minus', () => {
    expect(members(call('minus', set(1, 2, 3, 4), set(1, 3)))).toEqual([2, 4]);
    expectError('eval_type_error', 'operand 2 must be set but got number', 'minus', set(1), 1);
    expectError('eval_type_error', 'operand 2 must be number but got set', 'minus', 1, set(1));
    expectError('eval_type_error', 'operand 1 must be one of {number, set} but got string', 'minus', 'a', 1);
    expectError('eval_type_error', 'operand 1 must be number but got string', 'plus', 'a', 1);
  });

  it('intersects and unites sets with & and |', () => {
    expect(members(call('and', set(3, 2, 1), set(3, 4, 1)))).toEqual([1, 3]);
    expect(members(call('or', set(3, 2), set(3, 4)))).toEqual([2, 3, 4]);
    expectError('eval_type_error', 'operand 2 must be set but got number', 'and', set(1), 1);
  });

  it('rounds half away from zero and takes ceilings and floors', () => {
    expect(call('round', 2.5)).toBe(3);
    expect(call('round', -2.5)).toBe(-3);
    expect(call('round', 0.49999999999999994)).toBe(0);
    expect(call('ceil', 1.01)).toBe(2);
    expect(call('ceil', -1.99999)).toBe(-1);
    expect(call('ceil', 2222.2222222222)).toBe(2223);
    expect(call('floor', 99.99999)).toBe(99);
    expect(call('floor', -1.001)).toBe(-2);
    expect(call('floor', -0.5)).toBe(-1);
    expect(call('abs', -10)).toBe(10);
    expect(call('abs', -18446744073709551617n)).toBe(18446744073709551617n);
    expect(call('abs', -1.5)).toBe(1.5);
  });
});

describe('numbers.range and numbers.range_step', () => {
  it('counts up or down, inclusively', () => {
    expect(call('numbers.range', 0, 0)).toEqual([0]);
    expect(call('numbers.range', -2, 3)).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(call('numbers.range', 2, -3)).toEqual([2, 1, 0, -1, -2, -3]);
    expect(call('numbers.range', 49649733057, 49649733060)).toEqual([
      49649733057, 49649733058, 49649733059, 49649733060,
    ]);
    expect(call('numbers.range_step', 0, -10, 2)).toEqual([0, -2, -4, -6, -8, -10]);
    expect(call('numbers.range_step', 10, 3, 2)).toEqual([10, 8, 6, 4]);
    expect(call('numbers.range_step', 2, 5, 2)).toEqual([2, 4]);
    expect(call('numbers.range_step', 0, 10, 99999999999999999999n)).toEqual([0]);
  });

  it('rejects floats and non-positive steps', () => {
    expectError(
      'eval_type_error',
      'operand 1 must be integer number but got floating-point number',
      'numbers.range',
      3.14,
      4,
    );
    expectError(
      'eval_type_error',
      'operand 2 must be integer number but got floating-point number',
      'numbers.range',
      3,
      3.14,
    );
    expectError('eval_builtin_error', 'step must be a positive integer', 'numbers.range_step', 0, 10, -2);
    expectError('eval_builtin_error', 'too large', 'numbers.range', 0, 1e12);
  });
});

describe('aggregates', () => {
  it('counts runes, elements and keys', () => {
    expect(call('count', 'åäö')).toBe(3);
    expect(call('count', '😀x')).toBe(2);
    expect(call('count', [1, 2, 3, 4])).toBe(4);
    expect(call('count', set(1, 2))).toBe(2);
    expectError(
      'eval_type_error',
      'operand 1 must be one of {array, object, set, string} but got null',
      'count',
      null,
    );
    expectError(
      'eval_type_error',
      'operand 1 must be one of {array, object, set, string} but got number',
      'count',
      5,
    );
  });

  it('sums and multiplies exactly', () => {
    expect(call('sum', [1, 2, 3, 4])).toBe(10);
    expect(call('sum', set(1, 2, 3, 4))).toBe(10);
    expect(call('sum', [18446744073709551617n, 1])).toBe(18446744073709551618n);
    expect(call('sum', [9223372036854775807n, 1])).toBe(9223372036854775808n);
    expect(call('sum', [-9223372036854775808n, -1])).toBe(-9223372036854775809n);
    expect(call('sum', [9007199254740991, 9007199254740991])).toBe(18014398509481982n);
    expect(call('sum', [1.5, 2.5])).toBe(4);
    expect(call('sum', [0.1, 0.2])).toBe(0.3);
    expect(call('sum', [])).toBe(0);
    expect(call('product', [1, 2, 3, 4])).toBe(24);
    expect(call('product', [18446744073709551617n, 2])).toBe(36893488147419103234n);
    expect(call('product', [1.5, 2])).toBe(3);
    expectError(
      'eval_type_error',
      'operand 1 must be array of numbers but got array containing string',
      'sum',
      [1, 'a'],
    );
    expectError(
      'eval_type_error',
      'operand 1 must be set of numbers but got set containing string',
      'product',
      set('a'),
    );
    expectError('eval_type_error', 'operand 1 must be one of {set, array} but got string', 'sum', 'a');
  });

  it('finds extremes by OPA order and sorts', () => {
    expect(call('max', [1, 2, 3, 4])).toBe(4);
    expect(call('min', [3, 2, 1, 4, 6, -7, 10])).toBe(-7);
    expect(call('max', [1, 'a', null])).toBe('a');
    expect(call('max', [])).toBeUndefined();
    expect(call('min', set())).toBeUndefined();
    expect(call('sort', [4, 3, 'b', null, 1])).toEqual([null, 1, 3, 4, 'b']);
    expect(call('sort', set(3, 1, 2))).toEqual([1, 2, 3]);
  });
});

describe('bits', () => {
  it('operates on integers of any size', () => {
    expect(call('bits.and', 7, 9)).toBe(1);
    expect(call('bits.or', 7, 9)).toBe(15);
    expect(call('bits.xor', 42, 3)).toBe(41);
    expect(call('bits.negate', 42)).toBe(-43);
    expect(call('bits.lsh', 1, 3)).toBe(8);
    expect(call('bits.lsh', 2147483647, 1)).toBe(4294967294);
    expect(call('bits.lsh', 9223372036854775807n, 1)).toBe(18446744073709551614n);
    expect(call('bits.rsh', 8, 3)).toBe(1);
    expect(call('bits.rsh', -8, 100)).toBe(-1);
  });

  it('rejects floats and negative shifts', () => {
    for (const name of ['bits.and', 'bits.or', 'bits.xor', 'bits.lsh', 'bits.rsh'])
      expectError(
        'eval_type_error',
        'operand 1 must be integer number but got floating-point number',
        name,
        7.2,
        42,
      );
    expectError(
      'eval_type_error',
      'operand 1 must be integer number but got floating-point number',
      'bits.negate',
      7.2,
    );
    expectError(
      'eval_type_error',
      'operand 2 must be an unsigned integer number but got a negative integer',
      'bits.lsh',
      7,
      -1,
    );
    expectError(
      'eval_type_error',
      'operand 2 must be an unsigned integer number but got a negative integer',
      'bits.rsh',
      7,
      -1,
    );
  });
});

describe('to_number', () => {
  it('converts null, booleans, numbers and numeric strings', () => {
    expect(call('to_number', '-42.0')).toBe(-42);
    expect(call('to_number', false)).toBe(0);
    expect(call('to_number', true)).toBe(1);
    expect(call('to_number', null)).toBe(0);
    expect(call('to_number', 100.1)).toBe(100.1);
    expect(call('to_number', '3')).toBe(3);
    expect(call('to_number', '1e3')).toBe(1000);
    expect(call('to_number', '0.1')).toBe(0.1);
    expect(call('to_number', '123456789012345678901234567890')).toBe(123456789012345678901234567890n);
    expect(call('to_number', '0x1p-2')).toBe(0.25);
  });

  it("rejects what Go's ParseFloat rejects, and infinities", () => {
    expectError('eval_builtin_error', 'invalid syntax', 'to_number', 'broken');
    expectError('eval_builtin_error', 'value out of range', 'to_number', '1e400');
    for (const s of ['nan', 'inf', '-inf', 'Infinity', '-Infinity', '-nan', '-NaN', 'iNf'])
      expectError('eval_type_error', 'operand 1 must be valid number string but got string', 'to_number', s);
    expectError(
      'eval_type_error',
      'operand 1 must be one of {null, boolean, number, string} but got array',
      'to_number',
      [],
    );
  });
});
