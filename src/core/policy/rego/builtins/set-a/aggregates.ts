/** Aggregates: count, sum, product, max, min, sort. */
import { compare, isNumber, type RNumber, RObject, RSet, typeName, type Value } from '../../value.js';
import { type BuiltinContext, type BuiltinDef, BuiltinError, operandTypeError } from '../types.js';
import { chargeArith } from './big-ints.js';
import { addNumbers, fromBigInt, mulNumbers } from './numeric.js';

/** Number of Unicode code points (Go counts runes, not UTF-16 units). */
export function codePointCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** OPA's NewOperandElementErr: `operand 1 must be array of numbers but got array containing string`. */
export function elementError(pos: number, composite: Value, got: Value, expected: string): BuiltinError {
  const tpe = typeName(composite);
  return new BuiltinError(
    'eval_type_error',
    `operand ${pos} must be ${tpe} of ${expected}s but got ${tpe} containing ${typeName(got)}`,
  );
}

function collection(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof RSet) return [...v.map.values()];
  throw operandTypeError(1, 'one of {set, array}', v);
}

function fold(
  v: Value,
  init: RNumber,
  op: (a: RNumber, b: RNumber) => RNumber,
  ctx: BuiltinContext,
): RNumber {
  const xs = collection(v);
  // Integers accumulate exactly as BigInt once a partial result leaves the safe range.
  let small = typeof init === 'number' ? init : 0;
  let i = 0;
  if (op === addNumbers) {
    for (; i < xs.length; i++) {
      const x = xs[i];
      if (typeof x !== 'number' || !Number.isSafeInteger(x)) break;
      const s = small + x;
      if (!Number.isSafeInteger(s)) break;
      small = s;
    }
    if (i === xs.length) return small;
  }
  let acc: RNumber = i === 0 ? init : fromBigInt(BigInt(small));
  for (; i < xs.length; i++) {
    const x = xs[i]!;
    if (!isNumber(x)) throw elementError(1, v, x, 'number');
    // product() of many big factors is a pow() loop in one call: charge each step before it runs.
    chargeArith(ctx, acc, x, op === mulNumbers);
    acc = op(acc, x);
  }
  return acc;
}

function extreme(v: Value, wantMax: boolean): Value | undefined {
  const xs = collection(v);
  if (xs.length === 0) return undefined;
  let best = xs[0]!;
  for (let i = 1; i < xs.length; i++) {
    const c = compare(xs[i]!, best);
    if (wantMax ? c > 0 : c < 0) best = xs[i]!;
  }
  return best;
}

export const aggregateBuiltins: BuiltinDef[] = [
  {
    name: 'count',
    arity: 1,
    impl: ([a]) => {
      if (typeof a === 'string') return codePointCount(a);
      if (Array.isArray(a)) return a.length;
      if (a instanceof RObject || a instanceof RSet) return a.size;
      throw operandTypeError(1, 'one of {array, object, set, string}', a!);
    },
  },
  { name: 'sum', arity: 1, impl: ([a], ctx) => fold(a!, 0, addNumbers, ctx) },
  { name: 'product', arity: 1, impl: ([a], ctx) => fold(a!, 1, mulNumbers, ctx) },
  { name: 'max', arity: 1, impl: ([a]) => extreme(a!, true) },
  { name: 'min', arity: 1, impl: ([a]) => extreme(a!, false) },
  {
    name: 'sort',
    arity: 1,
    impl: ([a]) => {
      if (a instanceof RSet) return a.sorted();
      if (Array.isArray(a)) return [...a].sort(compare);
      throw operandTypeError(1, 'one of {set, array}', a!);
    },
  },
];
