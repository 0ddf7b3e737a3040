/** walk(x): the relation of every [path, value] pair in x, pre-order, keys and members in canonical order. */

import { RObject, RSet, type Value } from '../../value.js';
import type { BuiltinDef } from '../types.js';

function collect(path: Value[], v: Value, out: Value[]): void {
  out.push([path, v]);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) collect([...path, i], v[i]!, out);
  } else if (v instanceof RObject) for (const [k, x] of v.sortedEntries()) collect([...path, k], x, out);
  else if (v instanceof RSet) for (const x of v.sorted()) collect([...path, x], x, out);
}

export const walkBuiltins: BuiltinDef[] = [
  {
    name: 'walk',
    arity: 1,
    relation: true,
    impl: ([v]) => {
      const out: Value[] = [];
      collect([], v!, out);
      return out;
    },
  },
];
