import { describe, expect, it } from 'vitest';
import { compileRe2 } from '../../../../../src/core/policy/rego/builtins/set-a/re2.js';
import { call, expectError } from './call.js';

const match = (p: string, s: string) => call('regex.match', p, s);

describe('RE2 syntax as Go accepts it', () => {
  it.each([
    ['(a)\\1', 'invalid escape sequence: `\\1`'],
    ['(?=a)', 'invalid or unsupported Perl syntax: `(?=`'],
    ['(?!a)', 'invalid or unsupported Perl syntax: `(?!`'],
    ['(?<=a)b', 'invalid named capture'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['a*+', 'invalid nested repetition operator: `*+`'],
    ['a{2}{3}', 'invalid nested repetition operator: `{2}{3}`'],
    ['*a', 'missing argument to repetition operator: `*`'],
    ['a|+', 'missing argument to repetition operator: `+`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['a{2,1}', 'invalid repeat count: `{2,1}`'],
    ['(a{500}){3}', 'invalid repeat count: `{3}`'],
    ['[[[', 'missing closing ]: `[[[`'],
    ['(a', 'missing closing ): `(a`'],
    ['a)', 'unexpected ): `a)`'],
    ['[z-a]', 'invalid character class range: `z-a`'],
    ['[[:foo:]]', 'invalid character class range: `[:foo:]`'],
    ['\\p{Foo}', 'invalid character class range: `\\p{Foo}`'],
    ['\\Z', 'invalid escape sequence: `\\Z`'],
    ['\\C', 'invalid escape sequence: `\\C`'],
    ['\\q', 'invalid escape sequence: `\\q`'],
    ['(?i-)', 'invalid or unsupported Perl syntax: `(?i-)`'],
    ['(?P<a-b>x)', 'invalid named capture: `(?P<a-b>`'],
    ['a\\', 'trailing backslash at end of expression'],
    ['\\x{110000}', 'invalid escape sequence'],
    ['++', 'missing argument to repetition operator: `+`'],
  ])('refuses %s', (pattern, message) => {
    expect(() => compileRe2(pattern)).toThrow(`error parsing regexp: ${message}`);
    expect(call('regex.is_valid', pattern)).toBe(false);
  });

  it.each([
    '',
    '(?)',
    '(?i)',
    '^*x',
    'a{,2}',
    'a{01}',
    '{',
    'x{2}?',
    '[]a]',
    '[^]a]',
    '\\_',
    '\\012',
    '\\0',
    '\\x41\\x{1F600}',
    '(?P<name>a)(?<other>b)(?P<name>c)',
    '(?i-s:a)',
    '\\pN\\p{Greek}\\p{^Greek}\\PL\\p{Any}',
    '[[:alpha:][:^digit:]\\d\\pL]',
    '\\Qa.b\\E+',
    '\\Qunterminated',
  ])('accepts %s', (pattern) => {
    expect(call('regex.is_valid', pattern)).toBe(true);
  });

  it('is_valid is false for non-strings', () => {
    expect(call('regex.is_valid', 10)).toBe(false);
  });
});

describe('RE2 semantics on JS', () => {
  it('matches like Go regexp', () => {
    expect(match('^[a-z]+\\[[0-9]+\\]$', 'foo[1]')).toBe(true);
    expect(match('^$', '')).toBe(true);
    expect(match('', 'x')).toBe(true);
    expect(match('^$', 'something')).toBe(false);
    expect(match('a.c', 'a\nc')).toBe(false);
    expect(match('a.c', 'a\rc')).toBe(true);
    expect(match('(?s)a.c', 'a\nc')).toBe(true);
    expect(match('^b$', 'a\nb')).toBe(false);
    expect(match('(?m)^b$', 'a\nb\nc')).toBe(true);
    expect(match('(?m)^b$', 'a\rb')).toBe(false);
    expect(match('a$', 'a\n')).toBe(false);
    expect(match('\\Aa\\z', 'a')).toBe(true);
    expect(match('\\s', '\v')).toBe(false);
    expect(match('\\s', '\u00a0')).toBe(false);
    expect(match('\\w', 'é')).toBe(false);
    expect(match('\\d', '٣')).toBe(false);
    expect(match('\\pL', 'é')).toBe(true);
    expect(match('\\p{Greek}', 'α')).toBe(true);
    expect(match('[[:upper:]]', 'a')).toBe(false);
    expect(match('\\Qa.b\\E', 'axb')).toBe(false);
    expect(match('x{2}', 'xx')).toBe(true);
    expect(match('a{,2}', 'a{,2}')).toBe(true);
  });

  it('folds case per flag scope', () => {
    expect(match('(?i)HELLO', 'hello')).toBe(true);
    expect(match('a(?i)b', 'aB')).toBe(true);
    expect(match('a(?i)b', 'AB')).toBe(false);
    expect(match('(?i:a)b', 'AB')).toBe(false);
    expect(match('(?i)k', '\u212a')).toBe(true);
    expect(match('(?i)[a-z]', 'Q')).toBe(true);
    expect(match('(?i)[^a]', 'A')).toBe(false);
    expect(match('(?i)\\W', '\u017f')).toBe(false);
    // Word boundaries stay ASCII under (?i): U+212A is not a word character.
    expect(call('regex.find_n', '(?i)k\\b', 'k\u212a', -1)).toEqual(['k']);
    expect(match('(?i)\\bk', '\u212a')).toBe(false);
  });

  it('finds successive matches with Go empty-match rules', () => {
    expect(call('regex.find_n', 'a.', 'paranormal', -1)).toEqual(['ar', 'an', 'al']);
    expect(call('regex.find_n', 'a.', 'paranormal', 2)).toEqual(['ar', 'an']);
    expect(call('regex.find_n', 'a.', 'paranormal', 0)).toEqual([]);
    expect(call('regex.find_n', '^a.', 'abacadaeaf', -1)).toEqual(['ab']);
    expect(call('regex.find_n', '.$', 'abacadaeaf', -1)).toEqual(['f']);
    expect(call('regex.find_n', 'bork', 'paranormal', -1)).toEqual([]);
    expect(call('regex.find_n', 'a*', 'baaab', -1)).toEqual(['', 'aaa', '']);
    expect(call('regex.find_n', '', '😀x', -1)).toEqual(['', '', '']);
    expect(call('regex.find_all_string_submatch_n', 'a(x*)b', '-ab-axb-', -1)).toEqual([
      ['ab', ''],
      ['axb', 'x'],
    ]);
    expect(
      call('regex.find_all_string_submatch_n', '[^aouiye]([aouiye])([^aouiye])?', 'somestri', -1),
    ).toEqual([
      ['som', 'o', 'm'],
      ['ri', 'i', ''],
    ]);
    expect(
      call('regex.find_all_string_submatch_n', '[^aouiye]([aouiye])([^aouiye])?', 'somestri', 1),
    ).toEqual([['som', 'o', 'm']]);
    expectError(
      'eval_type_error',
      'operand 3 must be integer number but got floating-point number',
      'regex.find_n',
      'a',
      'a',
      1.5,
    );
  });

  it('replaces with Go template expansion', () => {
    expect(call('regex.replace', '-wy-wxxy-', 'w(x*)y', '0')).toBe('-0-0-');
    expect(call('regex.replace', 'foo', '(foo)', '$1$1')).toBe('foofoo');
    expect(call('regex.replace', 'foo', '^[a-z]', 'F')).toBe('Foo');
    expect(call('regex.replace', 'foo', '^[a-z]$', 'F')).toBe('foo');
    expect(call('regex.replace', 'foo bar', '[a-z]', '_')).toBe('___ ___');
    expect(call('regex.replace', 'foo barx', '[a-z]{2}', '_')).toBe('_o __');
    expect(call('regex.replace', 'abc', 'x*', '-')).toBe('-a-b-c-');
    expect(call('regex.replace', 'ab', '(?P<first>a)(b)', '${first}|$2|$1x|$$|$3|${9}|$')).toBe('a|b||$|||$');
    expectError('eval_builtin_error', 'missing closing ]', 'regex.replace', 'foo', '[', '$1');
  });

  it('splits like Regexp.Split(s, -1)', () => {
    expect(call('regex.split', '^[a-z]+\\[[0-9]+\\]$', '')).toEqual(['']);
    expect(call('regex.split', '^[a-z]+', 'foobar baz')).toEqual(['', ' baz']);
    expect(call('regex.split', '[a-z]+$', 'foobar baz')).toEqual(['foobar ', '']);
    expect(call('regex.split', '^[a-z]+$', 'foobar baz')).toEqual(['foobar baz']);
    expect(call('regex.split', '^[a-z ]+$', 'foobar baz')).toEqual(['', '']);
    expect(call('regex.split', 'a', 'banana')).toEqual(['b', 'n', 'n', '']);
    expect(call('regex.split', 'z+', 'pizza')).toEqual(['pi', 'a']);
    expect(call('regex.split', '', 'abc')).toEqual(['a', 'b', 'c']);
  });

  it('matches templates with delimited regex parts', () => {
    expect(call('regex.template_match', 'urn:foo:{.*}', 'urn:foo:bar:baz', '{', '}')).toBe(true);
    expect(call('regex.template_match', 'urn:foo:<.*>', 'urn:foo:bar:baz', '<', '>')).toBe(true);
    expect(call('regex.template_match', 'urn:foo.<[0-9]{2}>', 'urn:fooX12', '<', '>')).toBe(false);
    expect(call('regex.template_match', 'urn:foo.<[0-9]{2}>', 'urn:foo.12', '<', '>')).toBe(true);
    expectError(
      'eval_builtin_error',
      'unbalanced braces',
      'regex.template_match',
      'urn:{x',
      'urn:x',
      '{',
      '}',
    );
    expectError('eval_builtin_error', 'exactly one character', 'regex.template_match', 'x', 'x', '{{', '}');
  });

  it('reports a bad pattern as a builtin error and keeps deprecated re_match', () => {
    expectError(
      'eval_builtin_error',
      'error parsing regexp: missing closing ]: `[[[`',
      'regex.match',
      '$^[[[',
      'x',
    );
    expect(call('re_match', '^a', 'ab')).toBe(true);
    expectError('eval_type_error', 'operand 2 must be string but got number', 'regex.match', 'a', 1);
  });
});

describe('patterns where plain backtracking would depart from RE2', () => {
  it('stays linear on nested and ambiguous repetition (no ReDoS)', () => {
    const started = performance.now();
    expect(match('^(\\w+\\s?)*$', `${'a'.repeat(5000)}!`)).toBe(false);
    expect(match('^(a|aa)*b$', 'a'.repeat(5000))).toBe(false);
    expect(match('(x+x+)+y', 'x'.repeat(2000))).toBe(false);
    // Polynomial shapes: several unbounded repeats, or one that is not anchored.
    expect(match('^.*a.*b.*c$', 'ab'.repeat(2000))).toBe(false);
    expect(match('.*@example\\.com$', 'a'.repeat(20000))).toBe(false);
    expect(match('\\s*\\s*x', ' '.repeat(20000))).toBe(false);
    // Exponential backtracking would take far longer than this on any machine.
    expect(performance.now() - started).toBeLessThan(3000);
    expect(match('^(\\w+\\s?)*$', 'hello world this is fine')).toBe(true);
  });

  it("takes RE2's choice when a repeated part can match empty", () => {
    expect(call('regex.find_n', '(?:]+?|[a-z]*?)*', 'a', 1)).toEqual(['']);
    expect(call('regex.find_n', '(?: *?)+', '  ', 1)).toEqual(['']);
    expect(call('regex.find_n', '(a??){1,2}', 'a', 1)).toEqual(['']);
    expect(call('regex.find_all_string_submatch_n', '(a*)*b', 'b', -1)).toEqual([['b', '']]);
    expect(call('regex.find_n', '^[a-z]+(-[a-z]+)*$', 'my-prod-db', -1)).toEqual(['my-prod-db']);
    expect(call('regex.replace', 'a-b-c', '(-[a-z])*', '+')).toBe('+a+');
  });
});
