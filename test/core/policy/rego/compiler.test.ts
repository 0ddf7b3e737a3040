import { describe, expect, it } from 'vitest';
import { compile } from '../../../../src/core/policy/rego/index.js';
import { policy, regoError, solutions, value } from './helpers.js';

describe('rego compiler checks', () => {
  it('reports unsafe variables with the expression location', () => {
    const e = regoError(() => policy('package p\n\nallow if {\n  x > 1\n}'));
    expect(e.code).toBe('rego_unsafe_var_error');
    expect(e.message).toBe('p.rego:4: rego_unsafe_var_error: var x is unsafe');
  });

  it('reports head variables the body never binds', () => {
    const e = regoError(() => policy('package p\nq contains y if { x := 1 }'));
    expect(e.message).toContain('var y is unsafe');
  });

  it('detects recursion, naming the cycle', () => {
    const e = regoError(() => policy('package p\na if b\nb if c\nc if a'));
    expect(e.code).toBe('rego_recursion_error');
    expect(e.message).toContain('rule data.p.a is recursive: data.p.a -> data.p.b -> data.p.c -> data.p.a');
    expect(regoError(() => policy('package p\nf(x) := f(x)')).code).toBe('rego_recursion_error');
  });

  it('does not mistake dynamic dispatch through unrelated packages for recursion', () => {
    const mods = [
      { name: 'a.rego', source: 'package test\np := data[k].allow if k := "primary"' },
      { name: 'b.rego', source: 'package primary\nallow := true' },
    ];
    expect(compile(mods).query('data.test.p = x')[0]?.get('x')).toBe(true);
  });

  it('rejects multiple default rules and conflicting rule kinds', () => {
    expect(regoError(() => policy('package p\ndefault a := 1\ndefault a := 2')).message).toContain(
      'multiple default rules data.p.a found',
    );
    expect(regoError(() => policy('package p\na := 1\na contains 2')).message).toContain(
      'conflicting rules data.p.a',
    );
    expect(regoError(() => policy('package p\nf(x) := 1\nf(x, y) := 2')).message).toContain(
      'different arities',
    );
  });

  it('forbids shadowing input and data in v1', () => {
    expect(regoError(() => policy('package p\na if { input := 1 }')).message).toContain(
      'variables must not shadow input',
    );
    expect(regoError(() => policy('package p\ndata := 1')).message).toContain('rules must not shadow data');
  });

  it('reports undefined functions and wrong arity', () => {
    expect(regoError(() => policy('package p\na if nope(1)')).message).toBe(
      'p.rego:2: rego_type_error: undefined function nope',
    );
    expect(regoError(() => policy('package p\na if count(1, 2, 3)')).message).toContain(
      'function count has arity 1, got 3 arguments',
    );
  });

  it('rejects re-declaring a variable in the same body', () => {
    expect(regoError(() => policy('package p\na if { x := 1; x := 2 }')).message).toContain(
      'var x assigned above',
    );
  });

  it('collects errors from every module', () => {
    const e = regoError(() =>
      compile([
        { name: 'a.rego', source: 'package a\nx if {' },
        { name: 'b.rego', source: 'package b\ny if {' },
      ]),
    );
    expect(e.others.map((o) => o.location?.file)).toEqual(['b.rego']);
  });

  it('reorders bodies so every variable is bound before it is used', () => {
    expect(value('package p\nq := y if { y > 1; y = x + 1; x = 2 }', 'p.q')).toBe(3);
    expect(solutions('package p', 'x > 1; x = 5')).toEqual([{ x: 5 }]);
  });

  it('lets closures see the variables of their enclosing body', () => {
    const src = 'package p\nq := [y | some y in [1, 2, 3]; y > x] if x := 1';
    expect(value(src, 'p.q')).toEqual([2, 3]);
  });

  it('lists the packages it compiled', () => {
    const p = compile([
      { name: 'a.rego', source: 'package x.y\na := 1' },
      { name: 'b.rego', source: 'package z\nb := 1' },
    ]);
    expect(p.packages).toEqual(['x.y', 'z']);
  });
});
