/**
 * strings.any_prefix_match / strings.any_suffix_match: does any string of the first operand start
 * (end) with any string of the second. Each operand is a string, or an array or set of strings.
 */
import { RSet, type Value } from '../../value.js';
import { type BuiltinDef, operandTypeError } from '../types.js';
import { elementError } from './aggregates.js';

function strings(v: Value, pos: number): string[] {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) && !(v instanceof RSet))
    throw operandTypeError(pos, 'one of {string, set, array}', v);
  const xs = Array.isArray(v) ? v : [...v.map.values()];
  for (const x of xs) if (typeof x !== 'string') throw elementError(pos, v, x, 'string');
  return xs as string[];
}

/** Sorted strings sharing a prefix sit right after it, so one binary search per affix suffices. */
function anyStartsWithAny(strs: string[], prefixes: string[]): boolean {
  if (strs.length === 0 || prefixes.length === 0) return false;
  if (strs.length * prefixes.length <= 64) return prefixes.some((p) => strs.some((s) => s.startsWith(p)));
  const sorted = [...strs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  for (const p of prefixes) {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    if (lo < sorted.length && sorted[lo]!.startsWith(p)) return true;
  }
  return false;
}

const reverse = (s: string) => Array.from(s).reverse().join('');

export const affixBuiltins: BuiltinDef[] = [
  {
    name: 'strings.any_prefix_match',
    arity: 2,
    impl: ([a, b]) => anyStartsWithAny(strings(a!, 1), strings(b!, 2)),
  },
  {
    name: 'strings.any_suffix_match',
    arity: 2,
    impl: ([a, b]) => anyStartsWithAny(strings(a!, 1).map(reverse), strings(b!, 2).map(reverse)),
  },
];
