/** `numbers.range(a, b)` and `numbers.range_step(a, b, step)`: inclusive integer ranges, either direction. */
import type { RNumber, Value } from '../../value.js';
import { type BuiltinContext, type BuiltinDef, builtinError } from '../types.js';
import { bigIntOperand, fromBigInt } from './numeric.js';

/** Longest range we build (~0.2 s); OPA is bounded by its cancellation timer instead. */
const MAX_RANGE = 10_000_000;

function range(from: bigint, to: bigint, step: bigint, ctx: BuiltinContext): Value[] {
  const count = (from <= to ? to - from : from - to) / step + 1n;
  if (count > BigInt(MAX_RANGE)) throw builtinError(`a range of ${count} numbers is too large`);
  // Charge before building, so a loop of large ranges stops at the deadline, not after it.
  ctx.charge?.(Number(count));
  const out: RNumber[] = new Array(Number(count));
  if (
    from >= -(2n ** 52n) &&
    from <= 2n ** 52n &&
    to >= -(2n ** 52n) &&
    to <= 2n ** 52n &&
    step <= 2n ** 52n
  ) {
    // Fast path: every element is a safe double.
    const a = Number(from);
    const s = from <= to ? Number(step) : -Number(step);
    for (let i = 0; i < out.length; i++) out[i] = a + i * s;
    return out;
  }
  const s = from <= to ? step : -step;
  for (let i = 0; i < out.length; i++) out[i] = fromBigInt(from + BigInt(i) * s);
  return out;
}

export const numbersRangeBuiltins: BuiltinDef[] = [
  {
    name: 'numbers.range',
    arity: 2,
    impl: ([a, b], ctx) => range(bigIntOperand(a!, 1), bigIntOperand(b!, 2), 1n, ctx),
  },
  {
    name: 'numbers.range_step',
    arity: 3,
    impl: ([a, b, c], ctx) => {
      const from = bigIntOperand(a!, 1);
      const to = bigIntOperand(b!, 2);
      const step = bigIntOperand(c!, 3);
      if (step <= 0n) throw builtinError('numbers.range_step: step must be a positive integer');
      return range(from, to, step, ctx);
    },
  },
];
