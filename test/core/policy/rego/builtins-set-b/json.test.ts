import { describe, expect, it } from 'vitest';
import { RObject, RSet, type Value } from '../../../../../src/core/policy/rego/value.js';
import { call, errorOf } from './helpers.js';

const o = (x: Record<string, Value>) => RObject.from(Object.entries(x));

describe('json.marshal and json.marshal_with_options', () => {
  it('marshals like Go: sorted keys, sets as arrays, exact integers, HTML escaping', () => {
    expect(call('json.marshal', [o({ foo: RSet.from([3, 1, 2]) })])).toBe('[{"foo":[1,2,3]}]');
    expect(call('json.marshal', [1234567890, 2000000, 1e9, 18446744073709551614n, 1.5])).toBe(
      '[1234567890,2000000,1000000000,18446744073709551614,1.5]',
    );
    expect(call('json.marshal', o({ b: '<&>', a: '\u2028\n' }))).toBe(
      '{"a":"\\u2028\\n","b":"\\u003c\\u0026\\u003e"}',
    );
    expect(call('json.marshal', RObject.from([[1, 'x']]))).toBe('{"1":"x"}');
  });

  it('pretty-prints with indent and prefix options', () => {
    const v = [1234567890, 2000000, 1000000000];
    expect(call('json.marshal_with_options', v, o({ indent: '  ' }))).toBe(
      '[\n  1234567890,\n  2000000,\n  1000000000\n]',
    );
    expect(call('json.marshal_with_options', v, o({}))).toBe('[1234567890,2000000,1000000000]');
    expect(call('json.marshal_with_options', v, o({ pretty: true }))).toBe(
      '[\n\t1234567890,\n\t2000000,\n\t1000000000\n]',
    );
    expect(call('json.marshal_with_options', v, o({ pretty: false, prefix: 'NO!', indent: 'BAD!' }))).toBe(
      '[1234567890,2000000,1000000000]',
    );
    expect(call('json.marshal_with_options', o({ foo: 'bar', bar: 'baz' }), o({ prefix: 'JSON => ' }))).toBe(
      'JSON => {\nJSON => \t"bar": "baz",\nJSON => \t"foo": "bar"\nJSON => }',
    );
    expect(call('json.marshal_with_options', [], o({ indent: '    ', prefix: '---' }))).toBe('---[]');
    expect(call('json.marshal_with_options', [[[]]], o({ indent: ' ' }))).toBe('[\n [\n  []\n ]\n]');
    expect(
      errorOf('json.marshal_with_options', [], o({ indent: ' ', include_winning_lottery_numbers: true })),
    ).toBe('eval_type_error: operand 2 object contained unknown key "include_winning_lottery_numbers"');
  });
});

describe('json.unmarshal and json.is_valid', () => {
  it('decodes with exact numbers, last duplicate key winning', () => {
    expect(call('json.unmarshal', '[{"foo":[1,2,3]}]')).toEqual([o({ foo: [1, 2, 3] })]);
    expect(call('json.unmarshal', '{"a":1,"a":2}')).toEqual(o({ a: 2 }));
    expect(call('json.unmarshal', '[9223372036854775807, 1.5, 1e3, -0, "\\ud83d\\ude00"]')).toEqual([
      9223372036854775807n,
      1.5,
      1000,
      0,
      '😀',
    ]);
  });

  it("reports Go's decoder errors", () => {
    expect(errorOf('json.unmarshal', 1)).toBe('eval_type_error: operand 1 must be string but got number');
    expect(errorOf('json.unmarshal', '')).toBe('eval_builtin_error: EOF');
    expect(errorOf('json.unmarshal', '{')).toBe('eval_builtin_error: unexpected EOF');
    expect(errorOf('json.unmarshal', 'x')).toBe(
      "eval_builtin_error: invalid character 'x' looking for beginning of value",
    );
    expect(errorOf('json.unmarshal', '{"a" 1}')).toBe(
      "eval_builtin_error: invalid character '1' after object key",
    );
    expect(errorOf('json.unmarshal', '[1,]')).toBe(
      "eval_builtin_error: invalid character ']' looking for beginning of value",
    );
    expect(errorOf('json.unmarshal', '{} {}')).toBe(
      'eval_builtin_error: error(s) occurred while decoding JSON',
    );
    expect(errorOf('json.unmarshal', 'tru')).toBe('eval_builtin_error: unexpected EOF');
    expect(errorOf('json.unmarshal', 'trux')).toBe(
      "eval_builtin_error: invalid character 'x' in literal true (expecting 'e')",
    );
  });

  it('validates JSON text', () => {
    expect(['plainstring', '{', '{"json": "ok"}'].map((s) => call('json.is_valid', s))).toEqual([
      false,
      false,
      true,
    ]);
    expect(call('json.is_valid', 1)).toBe(false);
    expect(call('json.is_valid', ' [1, 2] ')).toBe(true);
    expect(call('json.is_valid', '01')).toBe(false);
  });
});

describe('json.filter and json.remove', () => {
  const doc = o({ a: o({ b: [o({ c: 1, d: 2 }), o({ c: 3 })], e: 'x' }), f: RSet.from(['g', 'h']) });

  it('keeps only the named paths', () => {
    expect(call('json.filter', doc, ['a/b/0/c', 'f/g'])).toEqual(
      o({ a: o({ b: [o({ c: 1 })] }), f: RSet.from(['g']) }),
    );
    expect(call('json.filter', doc, RSet.from([['a', 'e']]))).toEqual(o({ a: o({ e: 'x' }) }));
    expect(call('json.filter', o({ 'a/b': 1, '~': 2 }), ['a~1b', '~0'])).toEqual(o({ 'a/b': 1, '~': 2 }));
    expect(call('json.filter', doc, ['a', 'a/e'])).toEqual(o({ a: doc.get('a')! }));
  });

  it('drops the named paths, closing gaps in arrays', () => {
    expect(call('json.remove', doc, ['a/b/0', 'f/h'])).toEqual(
      o({ a: o({ b: [o({ c: 3 })], e: 'x' }), f: RSet.from(['g']) }),
    );
    expect(call('json.remove', doc, [''])).toEqual(doc);
    expect(errorOf('json.remove', 'x', [])).toBe('eval_type_error: operand 1 must be object but got string');
    expect(errorOf('json.remove', doc, 'a')).toBe(
      'eval_type_error: operand 2 must be one of {set, array} but got string',
    );
    expect(errorOf('json.remove', doc, [1])).toBe(
      'eval_type_error: operand 2 must be one of {set, array} containing string paths or array of path segments but got number',
    );
  });
});

describe('json.patch', () => {
  const patch = (doc: Value, ...ops: Record<string, Value>[]) => call('json.patch', doc, ops.map(o));

  it('applies RFC 6902 operations', () => {
    expect(patch(o({ foo: ['bar', 'baz'] }), { op: 'add', path: '/foo/1', value: 'qux' })).toEqual(
      o({ foo: ['bar', 'qux', 'baz'] }),
    );
    expect(patch([1, 2], { op: 'add', path: '/-', value: 3 })).toEqual([1, 2, 3]);
    expect(patch(o({ foo: null }), { op: 'test', path: '/foo', value: null })).toEqual(o({ foo: null }));
    expect(patch(o({ foo: null }), { op: 'move', from: '/foo', path: '/bar' })).toEqual(o({ bar: null }));
    expect(patch([''], { op: 'replace', path: '/0', value: null })).toEqual([null]);
    expect(patch(o({}), { op: 'add', path: '/', value: 1 })).toEqual(o({ '': 1 }));
    expect(patch(o({ a: 1 }), { op: 'replace', path: '', value: [] })).toEqual([]);
    expect(
      patch(o({ foo: ['all', 'grass', 'cows', 'eat'] }), { op: 'move', from: '/foo/1', path: '/foo/3' }),
    ).toEqual(o({ foo: ['all', 'cows', 'eat', 'grass'] }));
    expect(patch(o({ baz: [o({ qux: 'hello' })] }), { op: 'copy', from: '/baz/0', path: '/boo' })).toEqual(
      o({ baz: [o({ qux: 'hello' })], boo: o({ qux: 'hello' }) }),
    );
    expect(patch(o({ '/': 9, '~1': 10 }), { op: 'test', path: '/~01', value: 10 })).toEqual(
      o({ '/': 9, '~1': 10 }),
    );
  });

  it('walks into sets and composite set members', () => {
    expect(patch(o({ foo: RSet.from(['a', 'b', 'c']) }), { op: 'remove', path: 'foo/b' })).toEqual(
      o({ foo: RSet.from(['a', 'c']) }),
    );
    expect(patch(o({ foo: RSet.from(['a']) }), { op: 'add', path: 'foo/d', value: 'd' })).toEqual(
      o({ foo: RSet.from(['a', 'd']) }),
    );
    expect(patch(RSet.from([[1]]), { op: 'add', path: [[1], 1], value: 2 })).toEqual(RSet.from([[1, 2]]));
  });

  it('is undefined when any operation fails', () => {
    expect(patch(o({ foo: RSet.from(['a']) }), { op: 'add', path: 'foo/d', value: 'e' })).toBeUndefined();
    expect(patch(o({ q: o({ bar: 2 }) }), { op: 'add', path: '/a/b', value: 1 })).toBeUndefined();
    expect(patch(o({ bar: [1, 2] }), { op: 'add', path: '/bar/8', value: 5 })).toBeUndefined();
    expect(patch(['foo', 'bar'], { op: 'test', path: '/01', value: 'bar' })).toBeUndefined();
    expect(patch(['foo', 'bar'], { op: 'test', path: '/1e0', value: 'bar' })).toBeUndefined();
    expect(patch(o({ baz: 'qux' }), { op: 'test', path: '/baz', value: 'bar' })).toBeUndefined();
    expect(patch(o({}), { op: 'add', path: null, value: 'bar' })).toBeUndefined();
    expect(patch(o({ foo: 1 }), { op: 'spam', path: '/foo', value: 1 })).toBeUndefined();
    expect(patch(o({ foo: 1 }), { op: 'copy', from: '/bar', path: '/foo' })).toBeUndefined();
    expect(patch([1, 2, 3], { op: 'add', path: '1.2', value: 'foo' })).toBeUndefined();
    expect(errorOf('json.patch', o({}), 'x')).toBe('eval_type_error: operand 2 must be array but got string');
  });
});
