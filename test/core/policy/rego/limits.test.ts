import { describe, expect, it } from 'vitest';
import { RObject, type Value } from '../../../../src/core/policy/rego/value.js';
import { policy, regoError } from './helpers.js';

const nested = (depth: number): Value => {
  let v: Value = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

describe('rego evaluation limits', () => {
  const loops = policy(`package p
n := count([1 | some i in numbers.range(1, 2000); some j in numbers.range(1, 2000)])
forever if { some i in numbers.range(1, 10000); some j in numbers.range(1, 10000); i + j < 0 }`);

  it('stops a runaway evaluation at the step budget with a clear error', () => {
    const e = regoError(() => loops.evalRef(['p', 'n'], { maxSteps: 100_000 }));
    expect(e.code).toBe('eval_budget_error');
    expect(e.message).toContain('evaluation exceeded 100000 steps');
  });

  it('stops a runaway evaluation at the time budget', () => {
    const started = Date.now();
    const e = regoError(() => loops.evalRef(['p', 'n'], { maxSteps: 1e12, timeoutMs: 50 }));
    expect(e.code).toBe('eval_budget_error');
    expect(e.message).toContain('time budget of 50 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('applies the default budget when none is given', () => {
    expect(regoError(() => loops.evalRef(['p', 'forever'])).code).toBe('eval_budget_error');
  });

  it('walks 100k-deep input without growing the stack', () => {
    const p = policy('package p\nhead := input.a[0][0][0]\nsame if input.a == input.a');
    const a = nested(100_000);
    const input = RObject.from([['a', a]]);
    let head = p.evalRef(['p', 'head'], { input });
    let depth = 0;
    while (Array.isArray(head)) {
      head = head[0]!;
      depth++;
    }
    expect([depth, head]).toEqual([99_997, 1]);
    expect(p.evalRef(['p', 'same'], { input })).toBe(true);
  });

  it('turns a stack overflow on deep input into an eval_budget_error, not a crash', () => {
    const p = policy('package p\nsame if input.a == input.b\ntext := json.marshal(input.a)');
    const input = RObject.from([
      ['a', nested(100_000)],
      ['b', nested(100_000)],
    ]);
    for (const rule of ['same', 'text']) {
      const e = regoError(() => p.evalRef(['p', rule], { input }));
      expect(e.code).toBe('eval_budget_error');
      expect(e.message).toContain('nested too deeply');
    }
  });

  it('handles a large (~10 MB) input', () => {
    const users = Array.from({ length: 100_000 }, (_, i) =>
      RObject.from([
        ['name', `user-${i}-${'x'.repeat(60)}`],
        ['groups', ['a', 'b', i % 1000 === 0 ? 'admin' : 'dev']],
      ]),
    );
    const p = policy('package p\nadmins := count([u | some u in input.users; "admin" in u.groups])');
    expect(
      p.evalRef(['p', 'admins'], {
        input: RObject.from([['users', users]]),
        maxSteps: 5_000_000,
        timeoutMs: 10_000,
      }),
    ).toBe(100);
  });
});
