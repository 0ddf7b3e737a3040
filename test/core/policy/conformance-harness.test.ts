import { describe, expect, it } from 'vitest';
import { parseCaseFile } from '../../../src/core/policy/rego/conformance/cases.js';
import { actualKeys, expectedKeys, toResultJSON } from '../../../src/core/policy/rego/conformance/compare.js';
import { runPool } from '../../../src/core/policy/rego/conformance/pool.js';
import { formatReport, summarize } from '../../../src/core/policy/rego/conformance/report.js';
import { judge } from '../../../src/core/policy/rego/conformance/run-case.js';
import { parseGoDurationMs } from '../../../src/core/policy/rego/conformance/test-builtins.js';
import { RegoError } from '../../../src/core/policy/rego/errors.js';
import { RObject, RSet, type Value } from '../../../src/core/policy/rego/value.js';

const sol = (o: Record<string, Value>) => new Map(Object.entries(o));

describe('conformance harness: result comparison', () => {
  it('keeps integers beyond 2^53 exact and compares them by value', () => {
    const [c] = parseCaseFile('cases:\n  - query: x = 1\n    want_result:\n      - x: 1705257221593912000\n');
    expect(judge(c!, [sol({ x: 1705257221593912000n })], undefined)).toBeNull();
    expect(judge(c!, [sol({ x: 1705257221593912001n })], undefined)).toMatch(/^want/);
  });

  it('treats 1 and 1.0 as equal and solutions as a set', () => {
    const [c] = parseCaseFile('cases:\n  - query: x = 1\n    want_result:\n      - x: 1.0\n');
    expect(judge(c!, [sol({ x: 1 }), sol({ x: 1 })], undefined)).toBeNull();
    expect(judge(c!, [], undefined)).toMatch(/got \[\]/);
  });

  it('turns sets into sorted arrays and non-string keys into JSON text', () => {
    const v = RObject.from([
      [1, RSet.from(['b', 'a', 2])],
      [['a'], true],
    ]);
    const json = toResultJSON(v) as RObject;
    expect(json.get('1')).toEqual([2, 'a', 'b']);
    expect(json.get('["a"]')).toBe(true);
  });

  it('sorts bound arrays with sort_bindings and drops __localq vars when asked', () => {
    const want = expectedKeys([{ x: [1, 2, 3] }], { sortBindings: true });
    const got = actualKeys([sol({ x: [3, 1, 2], __localq0__: 5 })], {
      sortBindings: true,
      ignoreGeneratedVars: true,
    });
    expect([...got]).toEqual([...want]);
    expect([...actualKeys([sol({ x: 'no' })], { sortBindings: true })]).toEqual([
      '<binding is not an array>',
    ]);
  });
});

describe('conformance harness: errors', () => {
  const [c] = parseCaseFile(
    'cases:\n  - query: x = 1 / 0\n    want_error_code: eval_builtin_error\n    want_error: "div: divide by zero"\n',
  );
  it('requires the code and the message substring', () => {
    const good = new RegoError('eval_builtin_error', 'div: divide by zero', {
      file: 'test-0.rego',
      row: 3,
      col: 1,
    });
    expect(good.message).toBe('test-0.rego:3: eval_builtin_error: div: divide by zero');
    expect(judge(c!, undefined, good)).toBeNull();
    expect(judge(c!, undefined, new RegoError('eval_type_error', 'div: divide by zero'))).toMatch(
      /want error code/,
    );
    expect(judge(c!, undefined, new RegoError('eval_builtin_error', 'other'))).toMatch(/containing/);
    expect(judge(c!, [sol({ x: 1 })], undefined)).toMatch(/got result/);
  });
  it('fails on compile errors and on foreign exceptions', () => {
    expect(judge(c!, undefined, new RegoError('rego_parse_error', 'unexpected token'))).toMatch(
      /^compile error/,
    );
    expect(judge(c!, undefined, new TypeError('boom'))).toMatch(/^exception: TypeError: boom/);
  });
});

describe('conformance harness: helpers', () => {
  it('parses Go durations', () => {
    expect(parseGoDurationMs('10ms')).toBe(10);
    expect(parseGoDurationMs('1h2m3.5s')).toBe(3_723_500);
    expect(parseGoDurationMs('1500us')).toBe(1.5);
    expect(() => parseGoDurationMs('10')).toThrow(/invalid duration/);
  });

  it('reports per category and keeps logic_operators out of the headline', () => {
    const s = summarize([
      { id: 'a#0', category: 'sets', pass: true, ms: 1 },
      { id: 'a#1', category: 'sets', pass: false, error: 'x', ms: 1 },
      { id: 'b#0', category: 'logic_operators', pass: true, ms: 1 },
    ]);
    expect(s).toMatchObject({ passed: 1, failed: 1, total: 2, percent: 50 });
    const text = formatReport(s);
    expect(text.split('\n').at(-1)).toBe('1 passed, 1 failed');
    expect(text).toMatch(/logic_operators \(experimental.*1\/1/);
  });
});

describe('conformance harness: isolation', () => {
  const entry = (id: string, yaml: string) => ({
    id,
    category: 'isolation',
    hasInput: false,
    case: parseCaseFile(yaml)[0]!,
  });

  it('kills a case that hangs and carries on with the next one', { timeout: 30_000 }, async () => {
    const hang = entry(
      'hang#0',
      'cases:\n  - query: test.sleep("4s"); x = 1\n    want_result:\n      - x: 1\n',
    );
    const ok = entry('ok#0', 'cases:\n  - query: x = 1 + 1\n    want_result:\n      - x: 2\n');
    const broken = entry('broken#0', 'cases:\n  - query: x = \n    want_result:\n      - x: 2\n');
    const results = await runPool([hang, ok, broken], { jobs: 1, timeoutMs: 200 });
    expect(results.map((r) => [r.id, r.pass])).toEqual([
      ['hang#0', false],
      ['ok#0', true],
      ['broken#0', false],
    ]);
    expect(results[0]!.error).toMatch(/^timeout/);
    expect(results[2]!.error).toMatch(/rego_parse_error/);
  });
});
