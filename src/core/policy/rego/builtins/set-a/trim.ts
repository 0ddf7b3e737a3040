/** trim, trim_left, trim_right (rune cutsets), trim_prefix, trim_suffix, trim_space (Go's white space). */
import type { Value } from '../../value.js';
import { type BuiltinDef, expectType } from '../types.js';
import { goTrimCutset, goTrimSpace } from './runes.js';

// typeof first: this check runs on every call of the hottest builtins.
const str = (v: Value, pos: number): string =>
  typeof v === 'string' ? v : expectType<string>(v, pos, 'string');

function two(name: string, f: (s: string, t: string) => string): BuiltinDef {
  return { name, arity: 2, impl: ([a, b]) => f(str(a!, 1), str(b!, 2)) };
}

export const trimBuiltins: BuiltinDef[] = [
  two('trim', (s, c) => goTrimCutset(s, c, true, true)),
  two('trim_left', (s, c) => goTrimCutset(s, c, true, false)),
  two('trim_right', (s, c) => goTrimCutset(s, c, false, true)),
  two('trim_prefix', (s, p) => (p !== '' && s.startsWith(p) ? s.slice(p.length) : s)),
  two('trim_suffix', (s, p) => (p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s)),
  { name: 'trim_space', arity: 1, impl: ([a]) => goTrimSpace(str(a!, 1)) },
];
