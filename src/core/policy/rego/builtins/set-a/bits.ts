/** Bitwise builtins on integers of any size (two's complement semantics, like Go's big.Int). */
import type { BuiltinDef } from '../types.js';
import { BuiltinError } from '../types.js';
import { chargeArith, MAX_INT_BITS, tooBig } from './big-ints.js';
import { bigIntOperand, fromBigInt } from './numeric.js';

/** Widest left shift we perform (any wider result is past the integer bound); Go would try to allocate it. */
const MAX_SHIFT = BigInt(MAX_INT_BITS);

function shiftCount(b: bigint): bigint {
  if (b < 0n)
    throw new BuiltinError(
      'eval_type_error',
      'operand 2 must be an unsigned integer number but got a negative integer',
    );
  return b;
}

function binary(name: string, op: (a: bigint, b: bigint) => bigint): BuiltinDef {
  return {
    name,
    arity: 2,
    impl: ([a, b], ctx) => {
      const x = bigIntOperand(a!, 1);
      const y = bigIntOperand(b!, 2);
      chargeArith(ctx, x, y, false);
      return fromBigInt(op(x, y));
    },
  };
}

export const bitsBuiltins: BuiltinDef[] = [
  binary('bits.and', (a, b) => a & b),
  binary('bits.or', (a, b) => a | b),
  binary('bits.xor', (a, b) => a ^ b),
  { name: 'bits.negate', arity: 1, impl: ([a]) => fromBigInt(~bigIntOperand(a!, 1)) },
  binary('bits.lsh', (a, b) => {
    const n = shiftCount(b);
    if (a === 0n) return 0n;
    if (n > MAX_SHIFT) throw tooBig();
    return a << n;
  }),
  binary('bits.rsh', (a, b) => {
    const n = shiftCount(b);
    // Everything shifted out: Go's Rsh rounds toward negative infinity.
    if (n > BigInt(a.toString(2).length + 1)) return a < 0n ? -1n : 0n;
    return a >> n;
  }),
];
