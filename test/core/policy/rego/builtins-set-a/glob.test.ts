import { describe, expect, it } from 'vitest';
import { call, expectError } from './call.js';

const glob = (pattern: string, delims: string[] | null, s: string) => call('glob.match', pattern, delims, s);

describe('glob.match (gobwas/glob syntax)', () => {
  it('matches the conformance cases', () => {
    expect(glob('*.github.com', ['.'], 'api.github.com')).toBe(true);
    expect(glob('api.**.com', ['.'], 'api.github.com')).toBe(true);
    expect(glob('api.**.com', ['.'], 'api.cdn.github.com')).toBe(true);
    expect(glob('*:github:com', [':'], 'api:github:com')).toBe(true);
    expect(glob('*.github.com', ['.'], 'api.not-github.com')).toBe(false);
    expect(glob('[abc]at', [], 'cat')).toBe(true);
    expect(glob('[abc]at', [], 'fat')).toBe(false);
    expect(glob('[!abc]at', [], 'fat')).toBe(true);
    expect(glob('[!abc]at', [], 'cat')).toBe(false);
    expect(glob('[a-c]at', [], 'bat')).toBe(true);
    expect(glob('[!a-c]at', [], 'bat')).toBe(false);
    expect(glob('[!a-c]at', [], 'fat')).toBe(true);
    expect(glob('?at', [], 'fat')).toBe(true);
    expect(glob('?at', [], 'at')).toBe(false);
    expect(glob('?at', ['f'], 'bat')).toBe(true);
    expect(glob('?at', ['f'], 'fat')).toBe(false);
    for (const s of ['cat', 'bat', 'fat', 'rat']) expect(glob('{cat,bat,[fr]at}', [], s)).toBe(true);
    expect(glob('{cat,bat,[fr]at}', [], 'at')).toBe(false);
    expect(glob('*', ['.'], 'foo')).toBe(true);
    expect(glob('*', [], 'foo.bar')).toBe(false);
    expect(glob('*', null, 'foo.bar')).toBe(true);
    expect(glob('foo*', null, 'foo.bar')).toBe(true);
    expect(glob('*.github.com', ['.'], 'api.example.com')).toBe(false);
  });

  it('handles escapes, literals outside classes and nesting', () => {
    expect(glob('\\*x', [], '*x')).toBe(true);
    expect(glob('\\*x', [], 'ax')).toBe(false);
    expect(glob('a]b}c,d', [], 'a]b}c,d')).toBe(true);
    expect(glob('{a,{b,c}d}', [], 'cd')).toBe(true);
    expect(glob('{a,}x', [], 'x')).toBe(true);
    expect(glob('', [], '')).toBe(true);
    expect(glob('', [], 'a')).toBe(false);
    expect(glob('[!a]', [], '.')).toBe(true);
    expect(glob('**', ['.'], 'a.b.c')).toBe(true);
    expect(glob('?', [], '😀')).toBe(true);
    expect(glob('a/*/c', ['/'], 'a/b/c')).toBe(true);
    expect(glob('a/*/c', ['/'], 'a/b/x/c')).toBe(false);
    expect(glob('a/**/c', ['/'], 'a/b/x/c')).toBe(true);
  });

  it('stays linear with many wildcards', () => {
    const started = performance.now();
    expect(glob('*a*a*a*b', null, 'a'.repeat(20000))).toBe(false);
    expect(glob('{*a,*b}*c*d', ['.'], 'ab'.repeat(10000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('refuses what gobwas refuses and checks operand types', () => {
    expectError('eval_builtin_error', 'unexpected end of input', 'glob.match', '[a-', [], 'x');
    expectError('eval_builtin_error', 'could not parse range', 'glob.match', '[!]', [], 'x');
    expectError('eval_builtin_error', 'should be greater than', 'glob.match', '[z-a]', [], 'x');
    expectError(
      'eval_type_error',
      'operand 2 must be one of {array, null} but got string',
      'glob.match',
      '*',
      '.',
      'x',
    );
    expectError(
      'eval_type_error',
      'operand 2 must be array of runes but got array containing string',
      'glob.match',
      '*',
      ['ab'],
      'x',
    );
    expectError(
      'eval_type_error',
      'operand 2 must be array of strings but got array containing number',
      'glob.match',
      '*',
      [1],
      'x',
    );
  });

  it('quotes glob metacharacters', () => {
    expect(call('glob.quote_meta', '*.github.com')).toBe('\\*.github.com');
    expect(call('glob.quote_meta', '[a]{b}?\\')).toBe('\\[a\\]\\{b\\}\\?\\\\');
  });
});

describe('regex.globs_match (glob intersection)', () => {
  it('decides whether two globs share a string', () => {
    expect(call('regex.globs_match', 'a.a.[0-9]+z', '.b.b2359825792*594823z')).toBe(true);
    expect(call('regex.globs_match', '[a-z]+', '[0-9]*')).toBe(false);
    expect(call('regex.globs_match', 'b.*', 'bar')).toBe(true);
    expect(call('regex.globs_match', 'b.*', 'baz')).toBe(true);
    expect(call('regex.globs_match', 'b.*', 'cat')).toBe(false);
    expect(call('regex.globs_match', '[a-z]+\\[[0-9]+\\]', 'foo\\[1\\]')).toBe(true);
    expect(call('regex.globs_match', '[a-z]+\\[[0-9]+\\]', 'foo["bar"]')).toBe(false);
    expect(call('regex.globs_match', 'a*', 'b*')).toBe(false);
    expect(call('regex.globs_match', '.*', 'anything')).toBe(true);
  });

  it('reports invalid globs with the library wording', () => {
    expectError(
      'eval_builtin_error',
      "input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid",
      'regex.globs_match',
      'pqrs]',
      '[a-b]+',
    );
    expectError(
      'eval_builtin_error',
      "flag '*' must be preceded by a non-flag",
      'regex.globs_match',
      '*a',
      'a',
    );
    expectError('eval_builtin_error', 'found [ without matching ]', 'regex.globs_match', '[ab', 'a');
    expectError('eval_builtin_error', 'range is out of order', 'regex.globs_match', '[z-a]', 'a');
  });
});
