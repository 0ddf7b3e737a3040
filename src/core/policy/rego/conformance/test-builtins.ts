import type { BuiltinDef } from '../builtins/types.js';
import { builtinError, expectType } from '../builtins/types.js';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Parses a Go duration (`10ms`, `1h2m3.5s`) into milliseconds; throws on bad text. */
export function parseGoDurationMs(text: string): number {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  let total = 0;
  let pos = 0;
  re.lastIndex = 0;
  while (pos < s.length) {
    const m = re.exec(s);
    if (!m || m.index !== pos) throw new Error(`time: invalid duration "${text}"`);
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = re.lastIndex;
  }
  if (pos === 0) throw new Error(`time: invalid duration "${text}"`);
  return sign * total;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread; Atomics.wait is synchronous, which the synchronous evaluator needs. */
function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * `test.sleep(duration)`: the test-only builtin OPA's own runner registers (used by the
 * `time caching` case to prove `time.now_ns()` is fixed per evaluation). Returns null.
 */
export const testSleep: BuiltinDef = {
  name: 'test.sleep',
  arity: 1,
  impl: ([d]) => {
    const text = expectType<string>(d!, 1, 'string');
    let ms: number;
    try {
      ms = parseGoDurationMs(text);
    } catch (e) {
      throw builtinError((e as Error).message);
    }
    // Never let a test case stall the run for long.
    sleepMs(Math.min(ms, 5_000));
    return null;
  },
};

/** Extra builtins every conformance case is compiled with. */
export const CONFORMANCE_BUILTINS: readonly BuiltinDef[] = [testSleep];
