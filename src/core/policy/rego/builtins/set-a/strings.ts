/** String builtins with Go's semantics: rune (code point) indices, simple case mapping. */
import { RObject, RSet, type Value } from '../../value.js';
import {
  type BuiltinContext,
  type BuiltinDef,
  BuiltinError,
  builtinError,
  expectType,
  operandTypeError,
} from '../types.js';
import { codePointCount, elementError } from './aggregates.js';
import { intOperand } from './numeric.js';
import { goLower, goSplit, goUpper, isASCII, reverseRunes, runeIndex, runes } from './runes.js';

// typeof first: this check runs on every call of the hottest builtins.
const str = (v: Value, pos: number): string =>
  typeof v === 'string' ? v : expectType<string>(v, pos, 'string');

function concat([sep, xs]: Value[], ctx: BuiltinContext): string {
  const join = str(sep!, 1);
  let parts: Value[];
  if (Array.isArray(xs)) parts = xs;
  else if (xs instanceof RSet) parts = xs.sorted();
  else throw operandTypeError(2, 'one of {set, array}', xs!);
  let size = join.length * parts.length;
  for (const p of parts) {
    if (typeof p !== 'string') throw elementError(2, xs!, p, 'string');
    size += p.length;
  }
  // Charged before joining: repeated concatenation grows geometrically (8 copies a step).
  if (size >= 1024) ctx.charge?.(size);
  return (parts as string[]).join(join);
}

function indexOf([a, b]: Value[]): number {
  const base = str(a!, 1);
  const search = str(b!, 2);
  if (search === '') throw builtinError('empty search character');
  const i = base.indexOf(search);
  return i <= 0 || isASCII(base) ? i : runeIndex(base, i);
}

function indexOfN([a, b]: Value[]): number[] {
  const base = str(a!, 1);
  const search = str(b!, 2);
  if (search === '') throw builtinError('empty search character');
  const ascii = isASCII(base);
  const out: number[] = [];
  // Overlapping matches, as Go's rune-by-rune scan finds them.
  for (let i = base.indexOf(search); i >= 0; i = base.indexOf(search, i + 1)) {
    out.push(ascii ? i : runeIndex(base, i));
  }
  return out;
}

function substring([a, b, c]: Value[]): string {
  const base = str(a!, 1);
  const start = intOperand(b!, 2);
  const length = intOperand(c!, 3);
  if (start < 0) throw builtinError('negative offset');
  if (isASCII(base)) {
    if (start >= base.length) return '';
    return length < 0 ? base.slice(start) : base.slice(start, start + length);
  }
  const cs = runes(base);
  if (start >= cs.length) return '';
  return (length < 0 ? cs.slice(start) : cs.slice(start, start + length)).join('');
}

function stringCount([a, b]: Value[]): number {
  const s = str(a!, 1);
  const sub = str(b!, 2);
  if (sub === '') return codePointCount(s) + 1;
  let n = 0;
  for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

function splitN([a, b, c]: Value[]): string[] {
  const s = str(a!, 1);
  const sep = str(b!, 2);
  const n = intOperand(c!, 3);
  // First n parts for n >= 0, the last -n parts otherwise.
  const parts = goSplit(s, sep);
  return n >= 0 ? parts.slice(0, n) : parts.slice(Math.max(parts.length + n, 0));
}

/**
 * Go's strings.Replacer: at each position the earliest pair (in argument order) whose old string
 * matches wins; an empty old string matches between runes, but not right after another empty match.
 */
export function goReplace(s: string, pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 1 && pairs[0]![0] !== '') return s.split(pairs[0]![0]).join(pairs[0]![1]);
  let out = '';
  let last = 0;
  let prevEmpty = false;
  for (let i = 0; i <= s.length; ) {
    let hit: readonly [string, string] | undefined;
    for (const p of pairs) {
      if (p[0] === '' ? !prevEmpty : s.startsWith(p[0], i)) {
        hit = p;
        break;
      }
    }
    if (hit) {
      prevEmpty = hit[0] === '';
      out += s.slice(last, i) + hit[1];
      i += hit[0].length;
      last = i;
      continue;
    }
    prevEmpty = false;
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return last < s.length ? out + s.slice(last) : out;
}

function replaceN([a, b]: Value[]): string {
  if (!(a instanceof RObject)) throw operandTypeError(1, 'object', a!);
  const s = str(b!, 2);
  const pairs: [string, string][] = [];
  for (const [k, v] of a.sortedEntries()) {
    if (typeof k !== 'string')
      throw new BuiltinError('eval_type_error', 'operand 1 non-string key found in pattern object');
    if (typeof v !== 'string')
      throw new BuiltinError('eval_type_error', 'operand 1 non-string value found in pattern object');
    pairs.push([k, v]);
  }
  return pairs.length === 0 ? s : goReplace(s, pairs);
}

function twoStrings(name: string, f: (a: string, b: string) => Value): BuiltinDef {
  return { name, arity: 2, impl: ([a, b]) => f(str(a!, 1), str(b!, 2)) };
}

function oneString(name: string, f: (a: string) => Value): BuiltinDef {
  return { name, arity: 1, impl: ([a]) => f(str(a!, 1)) };
}

export const stringBuiltins: BuiltinDef[] = [
  { name: 'concat', arity: 2, impl: concat, chargesOutput: true },
  twoStrings('contains', (a, b) => a.includes(b)),
  twoStrings('startswith', (a, b) => a.startsWith(b)),
  twoStrings('endswith', (a, b) => a.endsWith(b)),
  oneString('lower', goLower),
  oneString('upper', goUpper),
  twoStrings('split', goSplit),
  { name: 'strings.split_n', arity: 3, impl: splitN },
  {
    name: 'replace',
    arity: 3,
    impl: ([a, b, c]) => goReplace(str(a!, 1), [[str(b!, 2), str(c!, 3)]]),
  },
  { name: 'strings.replace_n', arity: 2, impl: replaceN },
  { name: 'indexof', arity: 2, impl: indexOf },
  { name: 'indexof_n', arity: 2, impl: indexOfN },
  { name: 'substring', arity: 3, impl: substring },
  { name: 'strings.count', arity: 2, impl: stringCount },
  oneString('strings.reverse', reverseRunes),
];
