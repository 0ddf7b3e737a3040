import { describe, expect, it } from 'vitest';
import { call, expectError, members, obj, set } from './call.js';

describe('arrays', () => {
  it('concatenates, slices with clamping, reverses and flattens one level', () => {
    expect(call('array.concat', [1, 2], [3, 4])).toEqual([1, 2, 3, 4]);
    expect(call('array.slice', [1, 2, 3, 4, 5], 1, 3)).toEqual([2, 3]);
    expect(call('array.slice', [1, 2, 3], 0, 0)).toEqual([]);
    expect(call('array.slice', [1, 2, 3, 4, 5], -4, -1)).toEqual([]);
    expect(call('array.slice', [1, 2, 3, 4, 5], 4, 1)).toEqual([]);
    expect(call('array.slice', [1, 2, 3, 4, 5], -1, 2)).toEqual([1, 2]);
    expect(call('array.slice', [1, 2, 3, 4, 5], 3, 6)).toEqual([4, 5]);
    expect(call('array.slice', [1, 2, 3], 1000, 2000)).toEqual([]);
    const input = [1, 2, 3];
    expect(call('array.reverse', input)).toEqual([3, 2, 1]);
    expect(input).toEqual([1, 2, 3]);
    expect(call('array.flatten', [[[1], [2, 3, []]], [[4, 5]]])).toEqual([[1], [2, 3, []], [4, 5]]);
    expect(call('array.flatten', [[1, 2], 'string', [3, obj(['a', 'b'])], 4.5])).toEqual([
      1,
      2,
      'string',
      3,
      obj(['a', 'b']),
      4.5,
    ]);
  });

  it('rejects non-arrays', () => {
    expectError('eval_type_error', 'operand 1 must be array but got object', 'array.concat', obj(), [3]);
    expectError('eval_type_error', 'operand 2 must be array but got object', 'array.concat', [1], obj());
    expectError('eval_type_error', 'operand 1 must be array but got object', 'array.reverse', obj());
    expectError('eval_type_error', 'operand 1 must be array but got number', 'array.flatten', 42);
  });
});

describe('sets of sets', () => {
  it('intersects and unites', () => {
    expect(members(call('intersection', set()))).toEqual([]);
    expect(members(call('intersection', set(set(), set(1, 2))))).toEqual([]);
    expect(members(call('intersection', set(set(1, 2, 3), set(2))))).toEqual([2]);
    expect(
      members(
        call('intersection', set(set('a', 'b', 'c', 'd'), set('b', 'c', 'd'), set('c', 'd'), set('d'))),
      ),
    ).toEqual(['d']);
    expect(members(call('union', set()))).toEqual([]);
    expect(members(call('union', set(set(1, 2, 3), set(2, 3, 4), set(4, 5, 6))))).toEqual([1, 2, 3, 4, 5, 6]);
    expectError('eval_type_error', 'operand 1 must be set but got number', 'union', set(1));
    expectError('eval_type_error', 'operand 1 must be set but got array', 'intersection', []);
  });
});

describe('types', () => {
  it('tests and names types', () => {
    expect(call('is_number', -42.0)).toBe(true);
    expect(call('is_number', 18446744073709551617n)).toBe(true);
    expect(call('is_number', null)).toBe(false);
    expect(call('is_string', 'Hello')).toBe(true);
    expect(call('is_boolean', false)).toBe(true);
    expect(call('is_array', set(1))).toBe(false);
    expect(call('is_set', set(1))).toBe(true);
    expect(call('is_object', obj(['foo', 1]))).toBe(true);
    expect(call('is_null', null)).toBe(true);
    expect(['null', 'boolean', 'number', 'string', 'array', 'set', 'object']).toEqual(
      [null, true, 100, 'Hello', [1], set(1), obj()].map((v) => call('type_name', v)),
    );
  });
});

describe('internal.template_string', () => {
  it('prints parts as OPA string templates do', () => {
    expect(call('internal.template_string', [])).toBe('');
    expect(call('internal.template_string', [set()])).toBe('<undefined>');
    expect(call('internal.template_string', ['foo ', 42, ' ', 4.2, ' ', false, ' ', null])).toBe(
      'foo 42 4.2 false null',
    );
    expect(
      call('internal.template_string', [
        set([42, 13.37, true, 'foo', null]),
        ', ',
        set(set()),
        ', ',
        set('s'),
      ]),
    ).toBe('[42, 13.37, true, "foo", null], set(), s');
    expectError('eval_builtin_error', 'multiple outputs', 'internal.template_string', [set(1, 2)]);
  });
});
