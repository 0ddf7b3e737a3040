/**
 * Go regexp semantics on top of the RE2 → JS translation: compile with a bounded cache, and the
 * match/find/replace/split operations with Go's rules for empty matches (an empty match right
 * after a previous match is skipped; the scan always advances at least one rune).
 */
import { builtinError } from '../types.js';
import { emitRe2 } from './re2-emit.js';
import { parseRe2, Re2SyntaxError } from './re2-parse.js';

export interface Re2 {
  /** Global, Unicode RegExp; callers set lastIndex before every use. */
  readonly re: RegExp;
  /** Capture names by group index ('' when unnamed). */
  readonly names: readonly string[];
}

/** Compiled patterns survive across evaluations: policies reuse a handful of patterns. */
const CACHE_MAX = 500;
const cache = new Map<string, Re2 | Re2SyntaxError>();

/** Compiles `pattern` with Go's syntax; throws Re2SyntaxError for what Go refuses. */
export function compileRe2(pattern: string): Re2 {
  let hit = cache.get(pattern);
  if (hit === undefined) {
    try {
      const ast = parseRe2(pattern);
      hit = { re: new RegExp(emitRe2(ast.node), 'gu'), names: ast.names };
    } catch (e) {
      if (!(e instanceof Re2SyntaxError)) throw e;
      hit = e;
    }
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(pattern, hit);
  }
  if (hit instanceof Re2SyntaxError) throw hit;
  return hit;
}

/** compileRe2 for builtins: a bad pattern is an eval_builtin_error with Go's message. */
export function regexOperand(pattern: string): Re2 {
  try {
    return compileRe2(pattern);
  } catch (e) {
    if (e instanceof Re2SyntaxError) throw builtinError(e.message);
    throw e;
  }
}

/** True when the pattern matches anywhere in s. */
export function matchString(r: Re2, s: string): boolean {
  r.re.lastIndex = 0;
  return r.re.test(s);
}

/** Width in UTF-16 units of the rune at i (1 at the end, like Go's step past the end). */
function runeWidth(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/** Go's allMatches: successive non-overlapping matches, at most n (all when n < 0). */
export function findAll(r: Re2, s: string, n: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  const { re } = r;
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    const end = m.index + m[0].length;
    let accept = true;
    if (end === pos) {
      // An empty match: not right after the previous match, and step one rune past it.
      if (m.index === prevEnd) accept = false;
      pos += runeWidth(s, pos);
    } else {
      pos = end;
    }
    prevEnd = end;
    if (accept) out.push(m);
  }
  return out;
}

/** Go's Regexp.Split(s, -1). */
export function splitAll(r: Re2, pattern: string, s: string): string[] {
  if (pattern.length > 0 && s.length === 0) return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(r, s, -1)) {
    end = m.index;
    const mEnd = m.index + m[0].length;
    if (mEnd !== 0) out.push(s.slice(beg, end));
    beg = mEnd;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups expand to ''. */
export function expandTemplate(r: Re2, template: string, m: RegExpExecArray): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) break;
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const brace = template[i] === '{';
    let j = brace ? i + 1 : i;
    const nameStart = j;
    while (j < template.length) {
      const c = String.fromCodePoint(template.codePointAt(j)!);
      if (!NAME_CHAR.test(c)) break;
      j += c.length;
    }
    const name = template.slice(nameStart, j);
    if (name === '' || (brace && template[j] !== '}')) {
      out += '$';
      continue;
    }
    i = brace ? j + 1 : j;
    const num =
      /^\d+$/.test(name) && !(name.length > 1 && name[0] === '0') && name.length < 9 ? Number(name) : -1;
    if (num >= 0) out += m[num] ?? '';
    else {
      const idx = r.names.indexOf(name);
      if (idx > 0) out += m[idx] ?? '';
    }
  }
  return out + template.slice(i);
}

/** Go's Regexp.ReplaceAllString. */
export function replaceAll(r: Re2, s: string, template: string): string {
  const { re } = r;
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  while (searchPos <= s.length) {
    re.lastIndex = searchPos;
    const m = re.exec(s);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    out += s.slice(lastEnd, start);
    // No replacement for an empty match right after the previous match.
    if (end > lastEnd || start === 0) out += expandTemplate(r, template, m);
    lastEnd = end;
    const width = searchPos < s.length ? runeWidth(s, searchPos) : 0;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + s.slice(lastEnd);
}

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
