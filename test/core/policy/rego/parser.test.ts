import { describe, expect, it } from 'vitest';
import { parseModule, parseQuery } from '../../../../src/core/policy/rego/parser/index.js';
import { policy, regoError, value } from './helpers.js';

describe('rego parser', () => {
  it('reports file, row, column, expectation and the offending token', () => {
    const e = regoError(() => policy('package p\n\nallow if {\n  x := 1 +\n}'));
    expect(e.code).toBe('rego_parse_error');
    expect(e.message).toBe('p.rego:5: rego_parse_error: unexpected } token: expected term');
    expect(e.location).toMatchObject({ file: 'p.rego', row: 5, col: 1, text: '}' });
  });

  it('requires `if` before a rule body in v1 and says so', () => {
    const e = regoError(() => policy('package p\nallow { true }'));
    expect(e.message).toContain('p.rego:2: rego_parse_error: `if` keyword is required before rule body');
  });

  it('rejects unterminated strings and stray characters with their location', () => {
    expect(regoError(() => policy('package p\na := "abc')).message).toBe(
      'p.rego:2: rego_parse_error: non-terminated string',
    );
    const e = regoError(() => policy('package p\na := 1 ^ 2'));
    expect(e.message).toContain('p.rego:2: rego_parse_error: illegal token "^"');
    expect(e.location?.col).toBe(8);
  });

  it('requires a package and exactly one', () => {
    expect(regoError(() => policy('allow if true')).message).toContain('expected package');
    expect(regoError(() => policy('package a\npackage b')).message).toContain('exactly one package');
  });

  it('parses refs, calls on refs, comprehensions, sets and templates', () => {
    const src = `package p
a := [x | some x in [1, 2, 3]; x > 1]
b := {x: y | some x, y in {"k": "v"}}
c := {1, 2} | {3}
d := set()
e := $"n={count(a)} s={b}"
f := [1, 2, 3][1]
g := {"x": {"y": 1}}.x.y`;
    expect(value(src, 'p')).toEqual({
      a: [2, 3],
      b: { k: 'v' },
      c: [1, 2, 3],
      d: [],
      e: 'n=2 s={"k": "v"}',
      f: 2,
      g: 1,
    });
  });

  it('treats keywords followed by a dot as names (keyword refs)', () => {
    const src = 'package p\nif.x := 1\nnot.y := 2\nq if { if.x == 1; not.y == 2 }';
    expect(value(src, 'p.q')).toBe(true);
  });

  it('parses `k, v in xs` membership, also nested and parenthesised', () => {
    expect(value('package p\nq if { "a", 1 in {"a": 1} }', 'p.q')).toBe(true);
    expect(value('package p\nq if { (0, 2 in [2]) in [true] }', 'p.q')).toBe(true);
  });

  it('refuses nesting beyond its depth limit instead of overflowing the stack', () => {
    const deep = `package p\na := ${'['.repeat(5000)}1${']'.repeat(5000)}`;
    const e = regoError(() => policy(deep));
    expect(e.code).toBe('rego_parse_error');
    expect(e.message).toContain('nesting too deep');
    expect(regoError(() => parseQuery(`x = ${'-'.repeat(5000)}1`)).message).toContain('nesting too deep');
  });

  it('keeps v0 keywords off unless imported', () => {
    const m = parseModule('package p\ncontains[x] { x := 1 }', 'v0.rego', 'v0');
    expect(m.rules).toHaveLength(1);
    expect(() => parseModule('package p\ncontains[x] if { x := 1 }', 'v1.rego', 'v1')).toThrow();
  });
});
