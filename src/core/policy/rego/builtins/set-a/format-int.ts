/** `format_int(number, base)`: the integer part (truncated toward zero) in base 2, 8, 10 or 16. */
import { type BuiltinDef, BuiltinError } from '../types.js';
import { numberOperand, toBigInt } from './numeric.js';

export const formatIntBuiltin: BuiltinDef = {
  name: 'format_int',
  arity: 2,
  impl: ([a, b]) => {
    const n = numberOperand(a!, 1);
    const base = numberOperand(b!, 2);
    if (base !== 2 && base !== 8 && base !== 10 && base !== 16)
      throw new BuiltinError('eval_type_error', 'operand 2 must be one of {2, 8, 10, 16}');
    const i = typeof n === 'number' && !Number.isSafeInteger(n) ? toBigInt(Math.trunc(n)) : toBigInt(n);
    return i.toString(base);
  },
};
