/**
 * glob.match and glob.quote_meta with the syntax of github.com/gobwas/glob, which OPA uses:
 * `*` (no separator), `**` (anything), `?`, `[abc]`, `[a-z]`, `[!...]`, `{a,b}`, `\` escapes.
 * The pattern is lexed and parsed as gobwas does (same accepted patterns, same errors) and
 * translated to an anchored RE2 pattern, so it runs on the same linear-time-safe matcher as the
 * regex builtins (many `*` in one glob would make plain backtracking polynomial); cached.
 */
import type { Value } from '../../value.js';
import { type BuiltinDef, BuiltinError, builtinError, expectType, operandTypeError } from '../types.js';
import { elementError } from './aggregates.js';
import { compileRe2, type Re2 } from './re2.js';

type Tok =
  | { t: 'text'; s: string }
  | {
      t:
        | 'any'
        | 'super'
        | 'single'
        | 'open'
        | 'not'
        | 'between'
        | 'close'
        | 'termsOpen'
        | 'sep'
        | 'termsClose';
    }
  | { t: 'lo' | 'hi'; s: string };

/** gobwas's lexer; throws its error texts. */
function lex(src: string): Tok[] {
  const cs = Array.from(src);
  const out: Tok[] = [];
  let i = 0;
  let terms = 0;
  const text = (breakers: string) => {
    let data = '';
    let escaped = false;
    while (i < cs.length) {
      const c = cs[i]!;
      if (!escaped) {
        if (c === '\\') {
          escaped = true;
          i++;
          continue;
        }
        if (breakers.includes(c)) break;
      }
      escaped = false;
      data += c;
      i++;
    }
    if (data) out.push({ t: 'text', s: data });
  };
  while (i < cs.length) {
    const c = cs[i++]!;
    if (c === '{') {
      terms++;
      out.push({ t: 'termsOpen' });
    } else if (c === ',' && terms > 0) out.push({ t: 'sep' });
    else if (c === '}' && terms > 0) {
      out.push({ t: 'termsClose' });
      terms--;
    } else if (c === '[') {
      out.push({ t: 'open' });
      let wantHi = false;
      let seenNot = false;
      for (;;) {
        if (i >= cs.length) throw new Error('unexpected end of input');
        const r = cs[i++]!;
        if (wantHi) {
          out.push({ t: 'hi', s: r });
          if (i >= cs.length) throw new Error('unexpected end of input');
          if (cs[i++] !== ']') throw new Error('expected close range character');
          out.push({ t: 'close' });
          break;
        }
        if (!seenNot && r === '!') {
          out.push({ t: 'not' });
          seenNot = true;
          continue;
        }
        if (cs[i] === '-') {
          i++;
          out.push({ t: 'lo', s: r }, { t: 'between' });
          wantHi = true;
          continue;
        }
        i--;
        text(']');
        if (i >= cs.length) throw new Error('unexpected end of input');
        if (cs[i++] !== ']') throw new Error('expected close range character');
        out.push({ t: 'close' });
        break;
      }
    } else if (c === '?') out.push({ t: 'single' });
    else if (c === '*') {
      if (cs[i] === '*') {
        i++;
        out.push({ t: 'super' });
      } else out.push({ t: 'any' });
    } else {
      i--;
      text(terms > 0 ? '?*[{},' : '?*[{');
    }
  }
  return out;
}

const esc = (c: string) => `\\x{${c.codePointAt(0)!.toString(16)}}`;
const ANY = '[\\x{0}-\\x{10ffff}]';

/** gobwas's parser, emitting RE2 source; alternatives nest as (?:a|b). */
function toRegexSource(toks: Tok[], seps: string): string {
  const notSep = seps ? `[^${Array.from(seps, esc).join('')}]` : ANY;
  // Each open `{` keeps its finished alternatives and the one being built.
  const stack: { alts: string[]; cur: string }[] = [{ alts: [], cur: '' }];
  const top = () => stack[stack.length - 1]!;
  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k]!;
    switch (tok.t) {
      case 'text':
        top().cur += Array.from(tok.s, esc).join('');
        break;
      case 'any':
        top().cur += `${notSep}*`;
        break;
      case 'super':
        top().cur += `${ANY}*`;
        break;
      case 'single':
        top().cur += notSep;
        break;
      case 'termsOpen':
        stack.push({ alts: [], cur: '' });
        break;
      case 'sep':
        top().alts.push(top().cur);
        top().cur = '';
        break;
      case 'termsClose': {
        const done = stack.pop()!;
        top().cur += `(?:${[...done.alts, done.cur].join('|')})`;
        break;
      }
      case 'open': {
        let not = false;
        let lo = '';
        let hi = '';
        let chars = '';
        for (k++; ; k++) {
          const t = toks[k];
          if (!t) throw new Error('unexpected end');
          if (t.t === 'not') not = true;
          else if (t.t === 'lo') lo = t.s;
          else if (t.t === 'hi') {
            hi = t.s;
            if (hi.codePointAt(0)! < lo.codePointAt(0)!)
              throw new Error(`hi character '${hi}' should be greater than lo '${lo}'`);
          } else if (t.t === 'text') chars = t.s;
          else if (t.t === 'close') break;
        }
        const isRange = lo !== '' && hi !== '' && lo !== '\0' && hi !== '\0';
        if ((chars !== '') === isRange) throw new Error('could not parse range');
        const body = isRange ? `${esc(lo)}-${esc(hi)}` : Array.from(chars, esc).join('');
        top().cur += `[${not ? '^' : ''}${body}]`;
        break;
      }
      default:
        throw new Error(`unexpected token: ${tok.t}`);
    }
  }
  // An unclosed `{` still yields its alternatives, as in gobwas.
  while (stack.length > 1) {
    const done = stack.pop()!;
    top().cur += `(?:${[...done.alts, done.cur].join('|')})`;
  }
  return top().cur;
}

const CACHE_MAX = 500;
const cache = new Map<string, Re2 | Error>();

/** A compiled glob (cached); throws eval_builtin_error for a pattern gobwas refuses. */
export function compileGlob(pattern: string, separators: string): Re2 {
  const key = `${separators}\u0000${pattern}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    try {
      hit = compileRe2(`\\A${toRegexSource(lex(pattern), separators)}\\z`);
    } catch (e) {
      hit = e as Error;
    }
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, hit);
  }
  if (hit instanceof Error) throw builtinError(hit.message);
  return hit;
}

/** The separators operand: null means none, [] means the default ".". */
function separatorsOperand(v: Value): string {
  if (v === null) return '';
  if (!Array.isArray(v)) throw operandTypeError(2, 'one of {array, null}', v);
  if (v.length === 0) return '.';
  let out = '';
  for (const x of v) {
    if (typeof x !== 'string') throw elementError(2, v, x, 'string');
    if (Array.from(x).length !== 1)
      throw new BuiltinError(
        'eval_type_error',
        'operand 2 must be array of runes but got array containing string',
      );
    out += x;
  }
  return out;
}

const GLOB_SPECIALS = /[*?\\[\]{}]/g;

export const globBuiltins: BuiltinDef[] = [
  {
    name: 'glob.match',
    arity: 3,
    impl: ([a, b, c]) => {
      const pattern = expectType<string>(a!, 1, 'string');
      const seps = separatorsOperand(b!);
      const s = expectType<string>(c!, 3, 'string');
      return compileGlob(pattern, seps).test(s);
    },
  },
  {
    name: 'glob.quote_meta',
    arity: 1,
    impl: ([a]) => expectType<string>(a!, 1, 'string').replace(GLOB_SPECIALS, '\\$&'),
  },
];
