/**
 * Arithmetic builtins (`+ - * / %`, abs, round, ceil, floor) and the set operators `& |`.
 * Error texts are OPA's (`divide by zero`, `modulo by zero`, `modulo on floating-point number`).
 */
import { isNumber as isNum, type RDecimal, type RNumber, RSet, type Value } from '../../value.js';
import { type BuiltinContext, type BuiltinDef, builtinError, operandTypeError } from '../types.js';
import { chargeArith } from './big-ints.js';
import {
  addNumbers,
  divNumbers,
  fromBigInt,
  fromDecimal,
  fromDouble,
  isInteger,
  mulNumbers,
  numberOperand,
  remIntegers,
  subNumbers,
  toBigInt,
} from './numeric.js';

function binary(
  name: string,
  infix: string,
  op: (a: RNumber, b: RNumber) => RNumber,
  product = false,
): BuiltinDef {
  return {
    name,
    arity: 2,
    infix,
    impl: ([a, b], ctx) => {
      const x = numberOperand(a!, 1);
      const y = numberOperand(b!, 2);
      chargeArith(ctx, x, y, product);
      return op(x, y);
    },
  };
}

function isZero(n: RNumber): boolean {
  return typeof n === 'bigint' ? n === 0n : n === 0;
}

/** Set difference for sets, subtraction for numbers; the operand errors follow OPA's order. */
function minus([a, b]: Value[], ctx: BuiltinContext): Value {
  const n1 = isNum(a!);
  const n2 = isNum(b!);
  if (n1 && n2) {
    chargeArith(ctx, a as RNumber, b as RNumber, false);
    return subNumbers(a as RNumber, b as RNumber);
  }
  const s1 = a instanceof RSet;
  const s2 = b instanceof RSet;
  if (s1 && s2) {
    const out = new RSet();
    for (const [k, v] of a.map) if (!b.map.has(k)) out.map.set(k, v);
    return out;
  }
  if (!n1 && !s1) throw operandTypeError(1, 'one of {number, set}', a!);
  if (n2) throw operandTypeError(2, 'set', b!);
  throw operandTypeError(2, 'number', b!);
}

function setOperand(v: Value, pos: number): RSet {
  if (v instanceof RSet) return v;
  throw operandTypeError(pos, 'set', v);
}

/** Go's big.Float rounding used by `round`: half away from zero. */
function roundHalfAway(x: number): number {
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

/** Integral values go through `onBig`; a fraction outside the double range through `onFraction`. */
function unary(
  name: string,
  onFloat: (x: number) => number,
  onBig: (x: bigint) => bigint,
  onFraction: (x: RDecimal) => RNumber,
): BuiltinDef {
  return {
    name,
    arity: 1,
    impl: ([a]) => {
      const n = numberOperand(a!, 1);
      if (typeof n === 'number') return fromDouble(onFloat(n));
      if (typeof n === 'bigint') return fromBigInt(onBig(n));
      // OPA's big.Float results print integers in full, so integral ones leave as bigints.
      return n.integral ? fromBigInt(onBig(toBigInt(n))) : onFraction(n);
    },
  };
}

/** Truncation toward zero, moved one step by `adjust` (-1, 0 or 1) when a fraction was dropped. */
const integerPart = (x: RDecimal, adjust: bigint) => fromBigInt(toBigInt(x) + adjust);

export const arithmeticBuiltins: BuiltinDef[] = [
  binary('plus', '+', addNumbers),
  { name: 'minus', arity: 2, infix: '-', impl: minus },
  binary('mul', '*', mulNumbers, true),
  binary(
    'div',
    '/',
    (a, b) => {
      if (isZero(b)) throw builtinError('divide by zero');
      return divNumbers(a, b);
    },
    true,
  ),
  binary(
    'rem',
    '%',
    (a, b) => {
      if (isInteger(a) && isInteger(b)) {
        if (isZero(b)) throw builtinError('modulo by zero');
        return remIntegers(a, b);
      }
      throw builtinError('modulo on floating-point number');
    },
    true,
  ),
  unary(
    'abs',
    Math.abs,
    (x) => (x < 0n ? -x : x),
    (x) => fromDecimal({ m: x.m < 0n ? -x.m : x.m, e: x.e }),
  ),
  unary(
    'round',
    roundHalfAway,
    (x) => x,
    (x) => fromBigInt(toBigInt(addNumbers(x, x.m < 0n ? -0.5 : 0.5))),
  ),
  // Mathematical ceil/floor: OPA's big.Float versions mis-round (-1, 0) and (0, 1) edge values.
  unary(
    'ceil',
    Math.ceil,
    (x) => x,
    (x) => integerPart(x, x.m > 0n ? 1n : 0n),
  ),
  unary(
    'floor',
    Math.floor,
    (x) => x,
    (x) => integerPart(x, x.m < 0n ? -1n : 0n),
  ),
  {
    name: 'and',
    arity: 2,
    infix: '&',
    impl: ([a, b]) => {
      const x = setOperand(a!, 1);
      const y = setOperand(b!, 2);
      const [small, big] = x.size <= y.size ? [x, y] : [y, x];
      const out = new RSet();
      for (const [k, v] of small.map) if (big.map.has(k)) out.map.set(k, v);
      return out;
    },
  },
  {
    name: 'or',
    arity: 2,
    infix: '|',
    impl: ([a, b]) => {
      const out = setOperand(a!, 1).clone();
      for (const [k, v] of setOperand(b!, 2).map) if (!out.map.has(k)) out.map.set(k, v);
      return out;
    },
  },
];
