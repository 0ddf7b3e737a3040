/** `intersection` and `union` of a set of sets. */
import { RSet, type Value } from '../../value.js';
import { type BuiltinDef, operandTypeError } from '../types.js';

function setOperand(v: Value, pos: number): RSet {
  if (v instanceof RSet) return v;
  throw operandTypeError(pos, 'set', v);
}

export const setBuiltins: BuiltinDef[] = [
  {
    name: 'intersection',
    arity: 1,
    impl: ([a]) => {
      const sets = [...setOperand(a!, 1).map.values()].map((s) => setOperand(s, 1));
      if (sets.length === 0) return new RSet();
      sets.sort((x, y) => x.size - y.size);
      const out = new RSet();
      for (const [k, v] of sets[0]!.map) if (sets.every((s) => s.map.has(k))) out.map.set(k, v);
      return out;
    },
  },
  {
    name: 'union',
    arity: 1,
    impl: ([a]) => {
      const out = new RSet();
      for (const s of setOperand(a!, 1).map.values()) {
        for (const [k, v] of setOperand(s, 1).map) if (!out.map.has(k)) out.map.set(k, v);
      }
      return out;
    },
  },
];
