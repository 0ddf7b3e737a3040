import { describe, expect, it } from 'vitest';
import { compile } from '../../../../src/core/policy/rego/index.js';
import { fromJS, RObject, RSet, toJS } from '../../../../src/core/policy/rego/value.js';
import { policy, regoError, solutions, value } from './helpers.js';

describe('rego evaluation', () => {
  it('evaluates complete, partial set, partial object and function rules', () => {
    const src = `package p
default allow := false
allow if input.user == "alice"
admins contains u if { some u in input.users; startswith(u, "a") }
roles[u] := "admin" if some u in admins
double(x) := x * 2
n := double(count(admins))`;
    expect(value(src, 'p', { user: 'alice', users: ['alice', 'bob', 'ann'] })).toEqual({
      allow: true,
      admins: ['alice', 'ann'],
      roles: { alice: 'admin', ann: 'admin' },
      n: 4,
    });
    expect(value(src, 'p.allow', { user: 'bob', users: [] })).toBe(false);
  });

  it('raises eval_conflict_error for complete rules with two values', () => {
    const e = regoError(() => value('package p\na := 1\na := 2 if true', 'p.a'));
    expect(e.code).toBe('eval_conflict_error');
    expect(e.message).toContain('complete rules must not produce multiple outputs');
    expect(e.message).toMatch(/^p\.rego:\d+: eval_conflict_error/);
  });

  it('raises eval_conflict_error for functions and object keys', () => {
    const f = regoError(() => value('package p\nf(x) := 1\nf(x) := 2\nq := f(1)', 'p.q'));
    expect(f.message).toContain('functions must not produce multiple outputs for same inputs');
    const o = regoError(() => value('package p\no[k] := v if some k, v in [1, 2]\no[0] := 5', 'p.o'));
    expect(o.message).toContain('object keys must be unique');
  });

  it('follows else chains and defaults', () => {
    const src = `package p
default tier := "none"
tier := "gold" if input.n > 10
else := "silver" if input.n > 5
else := "bronze" if input.n > 0`;
    expect([12, 7, 1, 0].map((n) => value(src, 'p.tier', { n }))).toEqual([
      'gold',
      'silver',
      'bronze',
      'none',
    ]);
  });

  it('treats a builtin error as undefined, or as the query error when strict', () => {
    const src = 'package p\nq := 1 / input.d\nr if not q';
    expect(value(src, 'p.r', { d: 0 })).toBe(true);
    const e = regoError(() =>
      compile([{ name: 'p.rego', source: src }]).query('data.p.r = x', {
        input: fromJS({ d: 0 }),
        strictBuiltinErrors: true,
      }),
    );
    expect(e.code).toBe('eval_builtin_error');
    expect(e.message).toBe('p.rego:2: eval_builtin_error: div: divide by zero');
  });

  it('supports every, some … in, not and comprehensions', () => {
    const src = `package p
all_even if every x in input.xs { x % 2 == 0 }
has_big if { some x in input.xs; x > 3 }
none_big if not has_big
pairs := {k: v | some k, v in input.o}`;
    expect(value(src, 'p', { xs: [2, 4], o: { a: 1 } })).toEqual({
      all_even: true,
      has_big: true,
      pairs: { a: 1 },
    });
    expect(value(src, 'p', { xs: [1, 2], o: {} })).toEqual({ none_big: true, pairs: {} });
  });

  it('applies with to input, data, functions and builtins', () => {
    const src = `package p
t := time.now_ns()
f(x) := x + 1
g(x) := x * 10
q := [a, b, c, d] if {
  a := input.v with input.v as 7
  b := data.cfg.limit with data.cfg.limit as 3
  c := f(1) with f as g
  d := t with time.now_ns as 42
}`;
    expect(value(src, 'p.q', {})).toEqual([7, 3, 10, 42]);
  });

  it('uses one clock for a whole evaluation and honours nowNs', () => {
    const src = 'package p\na := time.now_ns()\nb := time.now_ns()';
    expect(value(src, 'p', undefined, { nowNs: 1_700_000_000_000_000_000n })).toEqual({
      a: 1_700_000_000_000_000_000n,
      b: 1_700_000_000_000_000_000n,
    });
  });

  it('merges base data with virtual documents and evaluates data as a whole', () => {
    const p = policy('package app.rules\nallowed contains x if some x in data.app.base');
    const data = fromJS({ app: { base: ['a', 'b'] } });
    const doc = p.query('data = x', { data })[0]?.get('x');
    expect(toJS(doc!)).toEqual({ app: { base: ['a', 'b'], rules: { allowed: ['a', 'b'] } } });
  });

  it('returns every binding of a query, including those of ref iteration', () => {
    expect(solutions('package p\nxs := ["a", "b"]', 'data.p.xs[i] = v')).toEqual([
      { i: 0, v: 'a' },
      { i: 1, v: 'b' },
    ]);
  });

  it('keeps big integers exact', () => {
    expect(value('package p\nn := 9007199254740993 + 0', 'p.n')).toBe(9007199254740993n);
  });

  it('takes sets and objects with composite keys as input', () => {
    const input = RObject.from([['s', RSet.from([1, 2])]]);
    const v = policy('package p\nq if 2 in input.s').evalRef(['p', 'q'], { input });
    expect(v).toBe(true);
  });

  it('prints template strings with undefined parts', () => {
    expect(value('package p\nm := $"user={input.u} x={input.missing}"', 'p.m', { u: 'al' })).toBe(
      'user=al x=<undefined>',
    );
  });

  it('supports the experimental and/or operators when imported', () => {
    const src = `package p
import future.keywords.and
import future.keywords.or
q if input.a and (input.b or input.c)
r := [x | some x in input.xs; x < 0 or x > 10]`;
    expect(value(src, 'p', { a: true, b: false, c: true, xs: [-1, 5, 12] })).toEqual({
      q: true,
      r: [-1, 12],
    });
    expect(value(src, 'p.q', { a: true, b: false, c: false, xs: [] })).toBeUndefined();
  });

  it('looks up one key of a partial document without building the rest (as OPA)', () => {
    const src = `package p
roles[u] := r if some u, r in input.assign
roles["mallory"] := "a" if input.conflict
roles["mallory"] := "b" if input.conflict
admins contains u if { some u, r in input.assign; r == "admin" }
q := roles[input.who]
isadmin if admins[input.who]`;
    const input = { assign: { alice: 'admin', bob: 'dev' }, conflict: true, who: 'alice' };
    expect(value(src, 'p.q', input)).toBe('admin');
    expect(value(src, 'p.isadmin', input)).toBe(true);
    expect(regoError(() => value(src, 'p.roles', input)).code).toBe('eval_conflict_error');
    expect(regoError(() => value(src, 'p.q', { ...input, who: 'mallory' })).message).toContain(
      'object keys must be unique',
    );
  });
});
