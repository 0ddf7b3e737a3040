/**
 * Bounds on big-integer work, so arithmetic cannot escape the evaluation budget (ADR 0001).
 *
 * OPA's parser rejects numbers past 2^100000 ("number too big"); jitsudo holds every computed
 * integer to the same bound, and charges arithmetic on big operands by their size. Without both,
 * ten squarings of a 2^20-bit integer blocked the event loop for seconds: one BigInt multiply is
 * a single evaluation step, and a 2^30-bit product takes seconds to compute.
 */
import { RegoError } from '../../errors.js';
import type { RNumber } from '../../value.js';
import type { BuiltinContext } from '../types.js';

/** Largest integer magnitude, in bits: |n| < 2^MAX_INT_BITS, OPA's bound on a number literal. */
export const MAX_INT_BITS = 100_000;

const LIMIT = 1n << BigInt(MAX_INT_BITS);
const NEG_LIMIT = -LIMIT;

/** Past the bound is an evaluation error (not an undefined builtin result): the policy is broken. */
export function tooBig(): RegoError {
  return new RegoError(
    'eval_budget_error',
    `integer exceeds the limit of 2^${MAX_INT_BITS} (${MAX_INT_BITS} bits)`,
  );
}

/** `b` itself when within the bound; throws eval_budget_error otherwise. Two compares, O(1) in V8. */
export function checkIntSize(b: bigint): bigint {
  if (b >= LIMIT || b <= NEG_LIMIT) throw tooBig();
  return b;
}

/** Operands below 2^1024 (16 words) are cheap: no charge, so ordinary policies pay nothing. */
const CHEAP_BITS = 1024;
/** Thresholds 2^1024, 2^2048, … 2^131072 with their size in 64-bit words (an upper bound). */
const SIZES: readonly (readonly [bigint, bigint, number])[] = Array.from({ length: 8 }, (_, i) => {
  const bits = CHEAP_BITS << i;
  const t = 1n << BigInt(bits);
  return [t, -t, (bits * 2) / 64] as const;
});

/** Size of a bigint in 64-bit words, within a factor of two (0 when cheap); no allocation. */
function bigWords(b: bigint): number {
  if (b < SIZES[0]![0] && b > SIZES[0]![1]) return 0;
  for (const [t, nt, words] of SIZES) if (b < t && b > nt) return words;
  return (MAX_INT_BITS * 2) / 64;
}

/** Words an exact operation on `n` touches: a bigint's size, or an RDecimal's scaled mantissa. */
export function operandWords(n: RNumber): number {
  if (typeof n === 'number') return 0;
  if (typeof n === 'bigint') return bigWords(n);
  // m × 10^e: aligning or scaling multiplies m by up to 10^|e| (3.33 bits per digit).
  return bigWords(n.m) + Math.ceil((Math.abs(n.e) * 3.33) / 64);
}

/**
 * Charges one arithmetic operation to the budget before it runs: linear in the operands' words
 * for add/subtract/bitwise, their product for multiply/divide/remainder (about 16 word products
 * per charged element, close to V8's measured cost). Checks the deadline on every big operation.
 */
export function chargeArith(ctx: BuiltinContext, a: RNumber, b: RNumber, product: boolean): void {
  if (typeof a === 'number' && typeof b === 'number') return;
  const wa = operandWords(a);
  const wb = operandWords(b);
  if (wa === 0 && wb === 0) return;
  ctx.charge?.(product ? Math.max(wa + wb, Math.ceil((Math.max(wa, 1) * Math.max(wb, 1)) / 16)) : wa + wb);
}
