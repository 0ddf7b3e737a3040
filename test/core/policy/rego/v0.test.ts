import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../../src/core/policy/rego/index.js';
import { fromJS, toJS } from '../../../../src/core/policy/rego/value.js';
import { policy } from './helpers.js';

const SAMPLES = join(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'opa-wasm-samples');

describe('rego v0 syntax', () => {
  it('compiles v0 rules: bodies without if, = values, partial sets and objects', () => {
    const p = policy(
      `package p
default allow = false
allow { input.user == "admin" }
names[n] { n := input.names[_] }
ages[n] = a { a := input.ages[n] }
f(x) = y { y := x + 1 }
g(x) { x > 1 }
both { true } { false }`,
      'v0',
    );
    const input = fromJS({ user: 'admin', names: ['a', 'b'], ages: { a: 1 } });
    expect(toJS(p.evalRef(['p'], { input })!)).toEqual({
      allow: true,
      names: ['a', 'b'],
      ages: { a: 1 },
      both: true,
    });
    expect(p.query('data.p.f(1, y); data.p.g(2)')[0]?.get('y')).toBe(2);
  });

  it('knows `in`, `every`, `contains` and `if` only when imported', () => {
    const src = `package p
import future.keywords.in
import future.keywords.if
q if { 1 in [1] }
contains := 3`;
    expect(toJS(policy(src, 'v0').evalRef(['p'])!)).toEqual({ q: true, contains: 3 });
  });

  for (const dir of ['opa-wasm-browser', 'opa-webassembly-ts']) {
    it(`matches OPA's compiled answers for the ${dir} sample`, () => {
      const base = join(SAMPLES, dir);
      const spec = JSON.parse(readFileSync(join(base, 'cases.json'), 'utf8'));
      const files = dir === 'opa-wasm-browser' ? ['test.rego'] : ['example.rego', 'example_test.rego'];
      const p = compile(
        files.map((f) => ({ name: f, source: readFileSync(join(base, f), 'utf8') })),
        { regoVersion: 'v0' },
      );
      const data = spec.data ? fromJS(JSON.parse(readFileSync(join(base, spec.data), 'utf8'))) : undefined;
      for (const c of spec.cases) {
        const v = p.evalRef(spec.entrypoint.split('/'), {
          input: fromJS(c.input),
          ...(data ? { data } : {}),
        });
        expect(v === undefined ? [] : [{ result: toJS(v) }]).toEqual(c.want);
      }
    });
  }
});
