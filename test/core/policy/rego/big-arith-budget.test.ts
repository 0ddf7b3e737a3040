/**
 * Big-integer arithmetic cannot escape the evaluation budget: results are capped at OPA's
 * number bound (2^100000), big operands are charged by size, and every case stops well within
 * the deadline with an eval_budget_error that names the builtin and the rule.
 */
import { describe, expect, it } from 'vitest';
import { policy, regoError, value } from './helpers.js';

const TIMEOUT_MS = 1000;
/** Generous for a loaded 2-core machine; before the fix these cases took 13 s to minutes there. */
const WITHIN_MS = TIMEOUT_MS + 4000;

function stops(source: string, rule: string) {
  const p = policy(source);
  const started = performance.now();
  const e = regoError(() => p.evalRef(['p', rule], { timeoutMs: TIMEOUT_MS }));
  return { e, ms: performance.now() - started };
}

const squarings = (start: string) => `package p
x0 := ${start}
x1 := x0 * x0
x2 := x1 * x1
x3 := x2 * x2
x4 := x3 * x3
x5 := x4 * x4
x6 := x5 * x5
x7 := x6 * x6
x8 := x7 * x7
x9 := x8 * x8
x10 := x9 * x9
r if x10 > 0`;

describe('big-integer arithmetic and the evaluation budget', () => {
  it('ten squarings of a 2^16-bit integer stop at the integer bound, within the deadline', () => {
    const { e, ms } = stops(squarings('bits.lsh(1, 65536)'), 'r');
    expect(e.code).toBe('eval_budget_error');
    expect(e.message).toContain('mul: integer exceeds the limit of 2^100000');
    expect(e.rule?.name).toBe('data.p.x1');
    expect(ms).toBeLessThan(WITHIN_MS);
  }, 60_000);

  it('ten squarings of a 2^20-bit integer stop at once: the shift itself is past the bound', () => {
    const { e, ms } = stops(squarings('bits.lsh(1, 1048576)'), 'r');
    expect(e.code).toBe('eval_budget_error');
    expect(e.message).toContain('bits.lsh: integer exceeds the limit of 2^100000');
    expect(ms).toBeLessThan(WITHIN_MS);
  }, 60_000);

  it('squaring a huge decimal literal (1e30000) cannot build an unbounded integer either', () => {
    const { e, ms } = stops(squarings('1e30000'), 'r');
    expect(e.code).toBe('eval_budget_error');
    expect(e.message).toContain('integer exceeds the limit');
    expect(ms).toBeLessThan(WITHIN_MS);
  }, 60_000);

  it('a pow-like product() of many big factors stops at the bound', () => {
    const { e, ms } = stops(
      'package p\nbig := bits.lsh(1, 4000)\nr := product([big | some i in numbers.range(1, 1000)])',
      'r',
    );
    expect(e.code).toBe('eval_budget_error');
    expect(e.message).toContain('product: integer exceeds the limit');
    expect(e.rule?.name).toBe('data.p.r');
    expect(ms).toBeLessThan(WITHIN_MS);
  }, 60_000);

  it('a loop of big multiplications and divisions ends at the deadline', () => {
    const { e, ms } = stops(
      `package p
big := bits.lsh(1, 99000)
r := count({x | some i in numbers.range(1, 1000000); x := ((big + i) * 1024) / (big - i)})`,
      'r',
    );
    expect(e.code).toBe('eval_budget_error');
    expect(e.message).toMatch(/time budget|steps/);
    expect(ms).toBeLessThan(WITHIN_MS);
  }, 60_000);

  it('a set keyed by many big integers ends at the deadline (keys stay hashable and cheap)', () => {
    const { e, ms } = stops(
      'package p\nbig := bits.lsh(1, 99990)\nr := count({[big, i] | some i in numbers.range(1, 1000000)})',
      'r',
    );
    expect(e.code).toBe('eval_budget_error');
    expect(ms).toBeLessThan(WITHIN_MS);
  }, 60_000);

  it('a set of many long strings of equal length is not quadratic', () => {
    // V8 hashes strings over 16383 chars by length alone: 3000 such keys took ~30 s before.
    const cpu = process.cpuUsage();
    const n = value(
      `package p
long := concat("", [s | some _ in numbers.range(1, 1700); s := "abcdefghij"])
r := count({concat("", [long, sprintf("%06d", [i])]) | some i in numbers.range(1, 3000)})`,
      'p.r',
      undefined,
      // Only the hashing is under test here, not the budget for building 50 MB of strings.
      { timeoutMs: 20_000, maxSteps: 1e9 },
    );
    expect(n).toBe(3000);
    // CPU time, not wall time (the machine may be shared): ~1 s here; quadratic it was ~30 s.
    const used = process.cpuUsage(cpu);
    expect((used.user + used.system) / 1000).toBeLessThan(8_000);
  }, 120_000);

  it('keeps exact big-integer arithmetic below the bound', () => {
    expect(value('package p\nr := bits.lsh(1, 99998) * 2 == bits.lsh(1, 99999)', 'p.r')).toBe(true);
    expect(value('package p\nr := bits.rsh(bits.lsh(3, 99000) * bits.lsh(1, 900), 99900)', 'p.r')).toBe(3);
    // Keys of huge integers are exact: equal values collapse, different ones do not.
    expect(
      value('package p\nb := bits.lsh(1, 5000)\nr := count({b, b + 0, b * 1, b + 1, 1 + b})', 'p.r'),
    ).toBe(2);
  });
});
