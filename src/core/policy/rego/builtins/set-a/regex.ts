/** The regex.* builtins, on Go regexp semantics (see re2.ts). */
import type { Value } from '../../value.js';
import { type BuiltinDef, builtinError, expectType } from '../types.js';
import { globsMatch } from './globs-match.js';
import { intOperand } from './numeric.js';
import {
  compileRe2,
  findAll,
  matchString,
  quoteMeta,
  type Re2,
  regexOperand,
  replaceAll,
  splitAll,
} from './re2.js';

// typeof first: this check runs on every call of the hottest builtins.
const str = (v: Value, pos: number): string =>
  typeof v === 'string' ? v : expectType<string>(v, pos, 'string');

function regexMatch([a, b]: Value[]): boolean {
  const pattern = str(a!, 1);
  const s = str(b!, 2);
  return matchString(regexOperand(pattern), s);
}

/** OPA's delimiterIndices: first-level delimiter pairs, or an error for unbalanced ones. */
function delimiterIndices(s: string, open: string, close: string): number[] {
  let level = 0;
  let idx = 0;
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === open) {
      if (++level === 1) idx = i;
    } else if (s[i] === close) {
      if (--level === 0) out.push(idx, i + 1);
      else if (level < 0) throw builtinError(`unbalanced braces in ${JSON.stringify(s)}`);
    }
  }
  if (level !== 0) throw builtinError(`unbalanced braces in ${JSON.stringify(s)}`);
  return out;
}

const templateCache = new Map<string, Re2>();

/** OPA's compileRegexTemplate (from gorilla/mux): literal text quoted, `{...}` parts as regexes. */
function compileTemplate(tpl: string, open: string, close: string): Re2 {
  const key = `${open}${close}${tpl}`;
  const hit = templateCache.get(key);
  if (hit) return hit;
  const idxs = delimiterIndices(tpl, open, close);
  let pattern = '^';
  let end = 0;
  for (let i = 0; i < idxs.length; i += 2) {
    const raw = tpl.slice(end, idxs[i]);
    end = idxs[i + 1]!;
    const part = tpl.slice(idxs[i]! + 1, end - 1);
    pattern += `${quoteMeta(raw)}(${part})`;
    regexOperand(`^${part}$`);
  }
  pattern += `${quoteMeta(tpl.slice(end))}$`;
  const re = regexOperand(pattern);
  if (templateCache.size >= 500) templateCache.delete(templateCache.keys().next().value!);
  templateCache.set(key, re);
  return re;
}

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

export const regexBuiltins: BuiltinDef[] = [
  { name: 'regex.match', arity: 2, impl: regexMatch },
  { name: 're_match', arity: 2, impl: regexMatch },
  {
    name: 'regex.is_valid',
    arity: 1,
    impl: ([a]) => {
      if (typeof a !== 'string') return false;
      try {
        compileRe2(a);
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'regex.split',
    arity: 2,
    impl: ([a, b]) => {
      const pattern = str(a!, 1);
      return splitAll(regexOperand(pattern), pattern, str(b!, 2));
    },
  },
  {
    name: 'regex.find_n',
    arity: 3,
    impl: ([a, b, c]) => {
      const pattern = str(a!, 1);
      const s = str(b!, 2);
      const n = intOperand(c!, 3);
      return findAll(regexOperand(pattern), s, n).map((m) => m.groups[0]!);
    },
  },
  {
    name: 'regex.find_all_string_submatch_n',
    arity: 3,
    impl: ([a, b, c]) => {
      const pattern = str(a!, 1);
      const s = str(b!, 2);
      const n = intOperand(c!, 3);
      return findAll(regexOperand(pattern), s, n).map((m) => m.groups.map((g) => g ?? ''));
    },
  },
  {
    name: 'regex.replace',
    arity: 3,
    impl: ([a, b, c]) => {
      const s = str(a!, 1);
      const pattern = str(b!, 2);
      const value = str(c!, 3);
      return replaceAll(regexOperand(pattern), s, value);
    },
  },
  {
    name: 'regex.template_match',
    arity: 4,
    impl: ([a, b, c, d]) => {
      const tpl = str(a!, 1);
      const s = str(b!, 2);
      const open = str(c!, 3);
      const close = str(d!, 4);
      if (utf8Length(open) !== 1)
        throw builtinError(
          `start delimiter has to be exactly one character long but is ${utf8Length(open)} long`,
        );
      if (utf8Length(close) !== 1)
        throw builtinError(
          `end delimiter has to be exactly one character long but is ${utf8Length(close)} long`,
        );
      return matchString(compileTemplate(tpl, open, close), s);
    },
  },
  {
    name: 'regex.globs_match',
    arity: 2,
    impl: ([a, b]) => globsMatch(str(a!, 1), str(b!, 2)),
  },
];
