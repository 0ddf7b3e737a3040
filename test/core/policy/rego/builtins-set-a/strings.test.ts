import { describe, expect, it } from 'vitest';
import { call, expectError, obj, set } from './call.js';

describe('string builtins', () => {
  it('concatenates arrays and sets of strings', () => {
    expect(call('concat', '/', ['', 'foo', 'bar', '0', 'baz'])).toBe('/foo/bar/0/baz');
    expect(call('concat', ',', set('2', '3', '1'))).toBe('1,2,3');
    expect(call('concat', ',', [])).toBe('');
    expectError(
      'eval_type_error',
      'operand 2 must be array of strings but got array containing number',
      'concat',
      '/',
      [1],
    );
    expectError(
      'eval_type_error',
      'operand 2 must be one of {set, array} but got string',
      'concat',
      '/',
      'x',
    );
  });

  it('finds substrings by rune index', () => {
    expect(call('indexof', 'abcdefgh', 'cde')).toBe(2);
    expect(call('indexof', 'abcabcabcdefgh', 'cde')).toBe(8);
    expect(call('indexof', 'abcdefgh', 'xyz')).toBe(-1);
    expect(call('indexof', 'μx', 'x')).toBe(1);
    expect(call('indexof', 'μ', 'μμ')).toBe(-1);
    expect(call('indexof', 'skön var våren', 'vår')).toBe(9);
    expect(call('indexof', '🍧🍨🧁🍰🍮', '🍮')).toBe(4);
    expect(call('indexof', '🍧🍨🧁🍰🍮', '🍧🍨🧁🍰🍮')).toBe(0);
    expect(call('indexof_n', 'dogcatdogcat', 'cat')).toEqual([3, 9]);
    expect(call('indexof_n', 'aaa', 'aa')).toEqual([0, 1]);
    expect(call('indexof_n', '😇😀😇😀😇😀', '😀')).toEqual([1, 3, 5]);
    expect(call('indexof_n', 'dogcat', 'rabbit')).toEqual([]);
    expectError('eval_builtin_error', 'empty search character', 'indexof', 'abc', '');
    expectError('eval_builtin_error', 'empty search character', 'indexof_n', 'abc', '');
  });

  it('takes substrings by rune offset', () => {
    expect(call('substring', 'abcdefgh', 2, 3)).toBe('cde');
    expect(call('substring', 'åäö', 0, 2)).toBe('åä');
    expect(call('substring', 'abcdefgh', 2, -1)).toBe('cdefgh');
    expect(call('substring', 'aåäö', 2, -1)).toBe('äö');
    expect(call('substring', 'abcdefghåäö', 2, 10000)).toBe('cdefghåäö');
    expect(call('substring', 'åäö', 3, -1)).toBe('');
    expect(call('substring', 'aaa', 4, -1)).toBe('');
    expectError('eval_builtin_error', 'negative offset', 'substring', 'åäö', -1, -1);
    expectError(
      'eval_type_error',
      'operand 2 must be integer number but got floating-point number',
      'substring',
      'a',
      1.5,
      1,
    );
  });

  it('tests containment, prefixes and suffixes', () => {
    expect(call('contains', 'abcdefgh', 'defg')).toBe(true);
    expect(call('contains', 'abcdefgh', 'ac')).toBe(false);
    expect(call('startswith', 'abcdefgh', 'abcd')).toBe(true);
    expect(call('endswith', 'abcdefgh', 'fg')).toBe(false);
    expectError('eval_type_error', 'operand 1 must be string but got number', 'startswith', 1, 'a');
  });

  it('maps case per rune like Go', () => {
    expect(call('lower', 'AbCdEf')).toBe('abcdef');
    expect(call('upper', 'AbCdEf')).toBe('ABCDEF');
    expect(call('upper', 'straße')).toBe('STRAßE');
    expect(call('lower', 'İ')).toBe('i');
  });

  it('splits like strings.Split and strings.split_n takes the first or last parts', () => {
    expect(call('split', 'foo.bar.baz', '.')).toEqual(['foo', 'bar', 'baz']);
    expect(call('split', '', '.')).toEqual(['']);
    expect(call('split', 'test', '')).toEqual(['t', 'e', 's', 't']);
    expect(call('split', '', '')).toEqual([]);
    expect(call('split', 'a😀', '')).toEqual(['a', '😀']);
    expect(call('strings.split_n', 'a.b.c.d', '.', 2)).toEqual(['a', 'b']);
    expect(call('strings.split_n', 'a.b.c.d', '.', 10)).toEqual(['a', 'b', 'c', 'd']);
    expect(call('strings.split_n', 'a.b.c.d', '.', 0)).toEqual([]);
    expect(call('strings.split_n', 'a.b.c.d', '.', -2)).toEqual(['c', 'd']);
    expect(call('strings.split_n', 'a.b.c.d', '.', -10)).toEqual(['a', 'b', 'c', 'd']);
    expect(call('strings.split_n', '', '.', 2)).toEqual(['']);
    expect(call('strings.split_n', 'abc', '', 2)).toEqual(['a', 'b']);
    expect(call('strings.split_n', 'abc', '', -2)).toEqual(['b', 'c']);
    expectError(
      'eval_type_error',
      'operand 3 must be integer number but got floating-point number',
      'strings.split_n',
      'a.b.c',
      '.',
      1.5,
    );
  });

  it('replaces like Go strings.Replacer', () => {
    expect(call('replace', 'foo...bar', '..', ',,')).toBe('foo,,.bar');
    expect(call('replace', '', 'hi', 'bye')).toBe('');
    expect(call('replace', 'abc', '', '-')).toBe('-a-b-c-');
    expect(call('replace', 'a$b', '$', '$&')).toBe('a$&b');
    expect(call('strings.replace_n', obj(['<', '&lt;'], ['>', '&gt;']), 'This is <b>HTML</b>!')).toBe(
      'This is &lt;b&gt;HTML&lt;/b&gt;!',
    );
    expect(call('strings.replace_n', obj(['f', 'x'], ['foo', 'xxx']), 'foobar')).toBe('xoobar');
    expect(call('strings.replace_n', obj(['foo', 'xxx'], ['f', 'x']), 'foo')).toBe('xoo');
    expect(call('strings.replace_n', obj(['old1', 'new1']), 'Everything is new1')).toBe('Everything is new1');
    expectError(
      'eval_type_error',
      'operand 1 non-string key found in pattern object',
      'strings.replace_n',
      obj([2, 'x']),
      'foo',
    );
    expectError(
      'eval_type_error',
      'operand 1 non-string value found in pattern object',
      'strings.replace_n',
      obj(['f', 100]),
      'foo',
    );
    expectError(
      'eval_type_error',
      'operand 2 must be string but got number',
      'strings.replace_n',
      obj(['f', 'x']),
      100,
    );
  });

  it('counts non-overlapping occurrences and reverses by rune', () => {
    expect(call('strings.count', 'cheese', 'e')).toBe(3);
    expect(call('strings.count', '11111', '11')).toBe(2);
    expect(call('strings.count', 'dummy', '')).toBe(6);
    expect(call('strings.count', '', '')).toBe(1);
    expect(call('strings.reverse', 'bar')).toBe('rab');
    expect(call('strings.reverse', '2️⃣')).toBe('⃣️2');
    expect(call('strings.reverse', '1\u{1F600}\u{1D6FE}')).toBe('\u{1D6FE}\u{1F600}1');
    expectError(
      'eval_type_error',
      'operand 1 must be string but got object',
      'strings.reverse',
      obj(['bar', 'baz']),
    );
  });

  it('trims runes, prefixes, suffixes and Go white space', () => {
    expect(call('trim', '...foo.bar...', '.fr')).toBe('oo.ba');
    expect(call('trim', '¡¡¡foo, bar!!!', '!¡')).toBe('foo, bar');
    expect(call('trim_left', '¡¡¡foo, bar!!!', '!¡')).toBe('foo, bar!!!');
    expect(call('trim_right', '¡¡¡foo, bar!!!', '!¡')).toBe('¡¡¡foo, bar');
    expect(call('trim_prefix', '¡¡¡foo, bar!!!', '¡¡¡foo')).toBe(', bar!!!');
    expect(call('trim_suffix', '¡¡¡foo, bar!!!', ', foo!!!')).toBe('¡¡¡foo, bar!!!');
    expect(call('trim_space', ' \t\n foo, bar \n\t\r\n')).toBe('foo, bar');
    expect(call('trim_space', '\u0085x\u3000')).toBe('x');
    expect(call('trim_space', '\ufeffx')).toBe('\ufeffx');
  });

  it('matches any prefix or suffix across strings, arrays and sets', () => {
    expect(call('strings.any_prefix_match', ['a/b/c', 'e/f/g'], ['d/', 'a/'])).toBe(true);
    expect(call('strings.any_prefix_match', ['aa/bb/cc'], ['a/b', 'e/f'])).toBe(false);
    expect(call('strings.any_prefix_match', 'a/b/c', set('a/', 'd/'))).toBe(true);
    expect(call('strings.any_prefix_match', [], ['a'])).toBe(false);
    const many = Array.from({ length: 50 }, (_, i) => `k${i}/x`);
    expect(call('strings.any_prefix_match', many, ['zz', 'k42/'])).toBe(true);
    expect(call('strings.any_prefix_match', many, ['zz', 'k42x'])).toBe(false);
    expect(call('strings.any_suffix_match', ['a/b/c', 'a/b/d'], ['/b/c', '/x'])).toBe(true);
    expect(call('strings.any_suffix_match', 'a/b/g', ['/c', '/a'])).toBe(false);
    expectError(
      'eval_type_error',
      'operand 1 must be array of strings but got array containing number',
      'strings.any_prefix_match',
      [1],
      ['f/'],
    );
    expectError(
      'eval_type_error',
      'operand 2 must be one of {string, set, array} but got number',
      'strings.any_suffix_match',
      ['a'],
      1,
    );
  });

  it('formats integers in bases 2, 8, 10 and 16', () => {
    expect(call('format_int', 15.5, 16)).toBe('f');
    expect(call('format_int', 18446744073709551617n, 16)).toBe('10000000000000001');
    expect(call('format_int', 18446744073709551617n, 8)).toBe('2000000000000000000001');
    expect(call('format_int', -18446744073709551617n, 10)).toBe('-18446744073709551617');
    expect(call('format_int', -15.9, 16)).toBe('-f');
    expect(call('format_int', 5, 2)).toBe('101');
    expectError('eval_type_error', 'operand 2 must be one of {2, 8, 10, 16}', 'format_int', 4.1, 199);
  });
});
