/**
 * Exact number helpers for the arithmetic builtins.
 *
 * OPA keeps numbers as decimal text and computes on big.Int (integers, exact at any size) or
 * big.Float (64-bit mantissa). Our values are doubles or bigints, so integers go through BigInt
 * whenever a result may leave the safe range, and non-integers are computed exactly on their
 * shortest decimal text (what the policy author wrote) and rounded once to a double. That gives
 * `0.1 + 0.2 == 0.3` as in OPA, where a double sum would not. A result outside the double range
 * stays exact: a bigint when integral (OPA prints big.Float integers in full), else an RDecimal.
 */
import { type Decimal, RDecimal, toDecimal } from '../../decimal.js';
import { normNumber, type RNumber, type Value } from '../../value.js';
import { BuiltinError, builtinError, operandTypeError } from '../types.js';
import { checkIntSize } from './big-ints.js';

export { type Decimal, toDecimal } from '../../decimal.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** True for integral numbers (any bigint, a double without a fraction, an integral RDecimal). */
export function isInteger(n: RNumber): boolean {
  return typeof n === 'bigint' || (typeof n === 'number' ? Number.isInteger(n) : n.integral);
}

/** Exact integer value of a number, truncated toward zero (bigint, or a double at its decimal text). */
export function toBigInt(n: RNumber): bigint {
  if (typeof n === 'bigint') return n;
  if (typeof n === 'number' && Number.isSafeInteger(n)) return BigInt(n);
  const d = toDecimal(n);
  return d.e >= 0 ? d.m * 10n ** BigInt(d.e) : d.m / 10n ** BigInt(-d.e);
}

/** A bigint result in canonical form (`number` inside the safe range); past 2^100000 is an eval error. */
export function fromBigInt(b: bigint): RNumber {
  return normNumber(checkIntSize(b));
}

/** A double result in canonical form: integral doubles beyond 2^53 become exact bigints. */
export function fromDouble(x: number): RNumber {
  if (Number.isInteger(x) && !Number.isSafeInteger(x)) return toBigInt(x);
  return x === 0 ? 0 : x;
}

/**
 * Converts an exact decimal back to a number: integers exactly, fractions rounded to a double, and
 * fractions a double cannot hold (beyond its range, or non-zero but below it) as an RDecimal.
 */
export function fromDecimal(d: Decimal): RNumber {
  let { m, e } = d;
  if (m === 0n) return 0;
  while (e < 0 && m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  if (e >= 0) return fromBigInt(m * 10n ** BigInt(e));
  if (!RDecimal.needed({ m, e })) return Number(`${m}e${e}`);
  const big = RDecimal.of({ m, e });
  // OPA's big.Float has no such bound, but past it a single exact step could run for minutes.
  if (!big.inBounds) throw builtinError('number too big');
  return big;
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.e === b.e) return [a.m, b.m, a.e];
  if (a.e > b.e) return [a.m * 10n ** BigInt(a.e - b.e), b.m, b.e];
  return [a.m, b.m * 10n ** BigInt(b.e - a.e), a.e];
}

/** a + b, exact for integers, decimal-exact (then rounded once) otherwise. */
export function addNumbers(a: RNumber, b: RNumber): RNumber {
  if (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b)) {
    const r = a + b;
    if (Number.isSafeInteger(r) && Number.isSafeInteger(a) && Number.isSafeInteger(b)) return r;
  }
  if (isInteger(a) && isInteger(b)) return fromBigInt(toBigInt(a) + toBigInt(b));
  const [x, y, e] = align(toDecimal(a), toDecimal(b));
  return fromDecimal({ m: x + y, e });
}

/** -n, exact. */
export function negate(n: RNumber): RNumber {
  return typeof n === 'object' ? n.negate() : -n;
}

/** a - b, with the same exactness as `addNumbers`. */
export function subNumbers(a: RNumber, b: RNumber): RNumber {
  return addNumbers(a, negate(b));
}

/** a * b, with the same exactness as `addNumbers`. */
export function mulNumbers(a: RNumber, b: RNumber): RNumber {
  if (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b)) {
    const r = a * b;
    if (Number.isSafeInteger(r) && Number.isSafeInteger(a) && Number.isSafeInteger(b)) return r === 0 ? 0 : r;
  }
  if (isInteger(a) && isInteger(b)) return fromBigInt(toBigInt(a) * toBigInt(b));
  const x = toDecimal(a);
  const y = toDecimal(b);
  return fromDecimal({ m: x.m * y.m, e: x.e + y.e });
}

/** Significant digits kept for an inexact quotient before the final rounding to a double. */
const QUOTIENT_DIGITS = 40;

/** a / b; the caller has rejected b == 0. Exact when b divides a, else rounded to a double. */
export function divNumbers(a: RNumber, b: RNumber): RNumber {
  if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
    if (a % b === 0) return a / b === 0 ? 0 : a / b;
  }
  const x = toDecimal(a);
  const y = toDecimal(b);
  if (x.m === 0n) return 0;
  // x.m * 10^x.e / (y.m * 10^y.e): scale the numerator so the integer quotient carries enough digits.
  const scale = Math.max(
    0,
    QUOTIENT_DIGITS - (x.m < 0n ? -x.m : x.m).toString().length + y.m.toString().length,
  );
  const num = x.m * 10n ** BigInt(scale);
  const q = num / y.m;
  const e = x.e - y.e - scale;
  if (q * y.m === num) return fromDecimal({ m: q, e });
  const r = Number(`${q}e${e}`);
  return r !== 0 && Number.isFinite(r) ? r : fromDecimal({ m: q, e });
}

/** Integral remainder with the dividend's sign (Go's big.Int Rem); the caller checked both are integers. */
export function remIntegers(a: RNumber, b: RNumber): RNumber {
  if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
    const r = a % b;
    return r === 0 ? 0 : r;
  }
  return fromBigInt(toBigInt(a) % toBigInt(b));
}

/** Reads a number operand (OPA's NumberOperand). */
export function numberOperand(v: Value, pos: number): RNumber {
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof RDecimal) return v;
  throw operandTypeError(pos, 'number', v);
}

const notInteger = (pos: number) =>
  new BuiltinError('eval_type_error', `operand ${pos} must be integer number but got floating-point number`);

/**
 * Reads a machine-int operand (OPA's IntOperand): integral and within int64, else a type error.
 * Values beyond 2^53 come back rounded, which only matters for counts no policy reaches.
 */
export function intOperand(v: Value, pos: number): number {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return v;
    throw notInteger(pos);
  }
  if (typeof v === 'bigint') {
    if (v >= INT64_MIN && v <= INT64_MAX) return Number(v);
    throw notInteger(pos);
  }
  // Outside the double range is outside int64 too.
  if (v instanceof RDecimal) throw notInteger(pos);
  throw operandTypeError(pos, 'number', v);
}

/** Reads an integer operand of any size (OPA's BigIntOperand, with its `integer` wording). */
export function bigIntOperand(v: Value, pos: number): bigint {
  if (typeof v !== 'number' && typeof v !== 'bigint' && !(v instanceof RDecimal))
    throw operandTypeError(pos, 'integer', v);
  if (!isInteger(v)) throw notInteger(pos);
  return toBigInt(v);
}
