/** Array builtins: array.concat, array.slice, array.reverse, array.flatten. */
import type { Value } from '../../value.js';
import { type BuiltinDef, operandTypeError } from '../types.js';
import { intOperand } from './numeric.js';

function arrayOperand(v: Value, pos: number): Value[] {
  if (Array.isArray(v)) return v;
  throw operandTypeError(pos, 'array', v);
}

export const arrayBuiltins: BuiltinDef[] = [
  {
    name: 'array.concat',
    arity: 2,
    impl: ([a, b]) => arrayOperand(a!, 1).concat(arrayOperand(b!, 2)),
  },
  {
    name: 'array.slice',
    arity: 3,
    impl: ([a, b, c]) => {
      const arr = arrayOperand(a!, 1);
      let start = intOperand(b!, 2);
      let stop = intOperand(c!, 3);
      // OPA clamps instead of failing: stop into [0, len], start into [0, stop].
      stop = Math.min(Math.max(stop, 0), arr.length);
      start = Math.min(Math.max(start, 0), stop);
      return arr.slice(start, stop);
    },
  },
  { name: 'array.reverse', arity: 1, impl: ([a]) => [...arrayOperand(a!, 1)].reverse() },
  {
    name: 'array.flatten',
    arity: 1,
    impl: ([a]) => {
      const out: Value[] = [];
      for (const x of arrayOperand(a!, 1)) {
        if (Array.isArray(x)) for (const y of x) out.push(y);
        else out.push(x);
      }
      return out;
    },
  },
];
