import { describe, expect, it } from 'vitest';
import { RObject, RSet, type Value } from '../../../../../src/core/policy/rego/value.js';
import { call, errorOf } from './helpers.js';

const obj = (entries: [Value, Value][]) => RObject.from(entries);
const o = (x: Record<string, Value>) => RObject.from(Object.entries(x));

describe('object.get and object.keys', () => {
  it('looks up keys and paths with defaults', () => {
    expect(call('object.get', o({ a: 'b' }), 'a', 'c')).toBe('b');
    expect(call('object.get', o({ a: 'b' }), 'c', 'c')).toBe('c');
    expect(call('object.get', obj([[1, 2]]), 1, 3)).toBe(2);
    expect(call('object.get', o({ a: 1 }), [], 2)).toEqual(o({ a: 1 }));
    expect(call('object.get', o({ a: o({ b: [o({ c: 1 })] }) }), ['a', 'b', 0, 'c'], 2)).toBe(1);
    expect(call('object.get', o({ a: o({ b: [1, 2, 3] }) }), ['a', 'b', 'a'], 2)).toBe(2);
    expect(call('object.get', obj([[1, o({ b: obj([[[1, 2, 3], 1]]) })]]), [1, 'b', [1, 2, 3]], 2)).toBe(1);
    expect(call('object.get', o({ s: RSet.from(['x']) }), ['s', 'x'], 2)).toBe('x');
    expect(call('object.get', o({ n: null }), 'n', 2)).toBeNull();
    expect(call('object.get', o({ n: o({ m: null }) }), ['n', 'm'], 2)).toBeNull();
    expect(errorOf('object.get', 'object', ['a'], 2)).toBe(
      'eval_type_error: operand 1 must be object but got string',
    );
  });

  it('lists keys as a set', () => {
    expect((call('object.keys', o({ b: 2, a: 1 })) as RSet).sorted()).toEqual(['a', 'b']);
    expect(errorOf('object.keys', 'x')).toBe('eval_type_error: operand 1 must be object but got string');
  });
});

describe('object.remove, object.filter, object.union, object.union_n', () => {
  it('removes and filters by array, set or object keys', () => {
    const x = o({ a: 1, b: 2, c: 3 });
    expect(call('object.remove', x, ['a'])).toEqual(o({ b: 2, c: 3 }));
    expect(call('object.remove', x, RSet.from(['a', 'c']))).toEqual(o({ b: 2 }));
    expect(call('object.filter', x, o({ a: 0, z: 0 }))).toEqual(o({ a: 1 }));
    expect(errorOf('object.remove', [], ['a'])).toBe(
      'eval_type_error: operand 1 must be object but got array',
    );
    expect(errorOf('object.filter', x, 'a')).toBe(
      'eval_type_error: operand 2 must be one of {object, set, array} but got string',
    );
  });

  it('merges deeply with the right side winning', () => {
    expect(call('object.union', o({ a: o({ b: o({ c: 1 }) }) }), o({ b: 2 }))).toEqual(
      o({ a: o({ b: o({ c: 1 }) }), b: 2 }),
    );
    expect(call('object.union', o({ a: 1 }), o({ a: o({ b: 1 }), d: 7 }))).toEqual(
      o({ a: o({ b: 1 }), d: 7 }),
    );
    expect(call('object.union', o({ a: o({ x: 1 }) }), o({ a: o({ y: 2 }) }))).toEqual(
      o({ a: o({ x: 1, y: 2 }) }),
    );
    expect(errorOf('object.union', o({}), [])).toBe(
      'eval_type_error: operand 2 must be object but got array',
    );
  });

  it('folds many objects, a later non-object freezing a key', () => {
    const input = [o({ a: o({ b: 2 }) }), o({ a: 4 }), o({ a: o({ c: 3 }) })];
    expect(call('object.union_n', input)).toEqual(o({ a: o({ c: 3 }) }));
    expect(call('object.union_n', [o({ a: 1, b: 2 }), o({ a: 'a', d: 4 }), o({ a: 'final', e: 5 })])).toEqual(
      o({ a: 'final', b: 2, d: 4, e: 5 }),
    );
    expect(errorOf('object.union_n', [o({ foo: 1 }), 'baz'])).toBe(
      'eval_type_error: operand 1 must be array of objects but got array containing string',
    );
    // The inputs are not modified by the in-place merge.
    expect(input[2]).toEqual(o({ a: o({ c: 3 }) }));
  });
});

describe('object.subset', () => {
  it('recurses into objects and handles sets and arrays', () => {
    expect(call('object.subset', o({ a: o({ b: 1, c: 2 }), d: 3 }), o({ a: o({ b: 1 }) }))).toBe(true);
    expect(call('object.subset', o({ a: RSet.from([1, 2, 3]) }), o({ a: RSet.from([1, 3]) }))).toBe(true);
    expect(call('object.subset', o({ a: [1, 2, 3, 4] }), o({ a: [2, 3] }))).toBe(true);
    expect(call('object.subset', o({ a: [1, 2, 3, 4] }), o({ a: [2, 4] }))).toBe(false);
    expect(call('object.subset', [1, 2, 3], RSet.from([3, 1]))).toBe(true);
    expect(call('object.subset', [], RSet.from([]))).toBe(false);
    expect(call('object.subset', RSet.from([1, 2]), RSet.from([3]))).toBe(false);
    expect(errorOf('object.subset', 'a', o({}))).toBe(
      'eval_type_error: both arguments object.subset must be of the same type or array and set',
    );
  });
});
