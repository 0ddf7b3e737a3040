/**
 * Go regexp semantics for the regex builtins. A pattern is parsed as Go parses it, then run by
 * V8's RegExp (translated, fastest) when plain backtracking is provably linear for it, else by a
 * linear-time backtracker (Go's bit-state algorithm), so that no pattern/input pair can stall
 * evaluation: Go's RE2 engine never backtracks exponentially, and policies see hostile input. The operations follow
 * Go's rules for empty matches (an empty match right after a match is skipped; the scan always
 * advances at least one rune).
 */
import { builtinError } from '../types.js';
import { backtrack, canBacktrack } from './re2-backtrack.js';
import { emitRe2 } from './re2-emit.js';
import { parseRe2, type Re2Node, Re2SyntaxError } from './re2-parse.js';
import { compileProg, type Prog } from './re2-prog.js';

export interface Re2Match {
  index: number;
  end: number;
  /** Group texts, [0] being the whole match; undefined for a group that did not take part. */
  groups: (string | undefined)[];
}

export interface Re2 {
  /** Capture names by group index ('' when unnamed). */
  readonly names: readonly string[];
  /** True when the pattern matches anywhere in s. */
  test(s: string): boolean;
  /** The leftmost-first match starting at or after `from` (the text before `from` is context). */
  exec(s: string, from: number): Re2Match | null;
}

const isLoop = (n: Re2Node) => n.k === 'repeat' && (n.max === -1 || n.max > 1);

function contains(n: Re2Node, pred: (n: Re2Node) => boolean): boolean {
  if (pred(n)) return true;
  if (n.k === 'group' || n.k === 'repeat') return contains(n.sub, pred);
  if (n.k === 'concat' || n.k === 'alt') return n.subs.some((s) => contains(s, pred));
  return false;
}

function nullable(n: Re2Node): boolean {
  switch (n.k) {
    case 'assert':
      return true;
    case 'group':
      return nullable(n.sub);
    case 'concat':
      return n.subs.every(nullable);
    case 'alt':
      return n.subs.some(nullable);
    case 'repeat':
      return n.min === 0 || nullable(n.sub);
    default:
      return false;
  }
}

/** Counted repeats above this size are left to the linear matcher. */
const MAX_V8_COUNT = 100;

function anchoredAtStart(n: Re2Node): boolean {
  while (n.k === 'concat' && n.subs.length > 0) n = n.subs[0]!;
  return n.k === 'assert' && n.a === 'bot';
}

/**
 * Whether V8's backtracking is safe (linear) and Go-exact for the pattern: at most one unbounded
 * repeat, and only when the match is anchored at the start (an unanchored `.*x` is quadratic in
 * V8, two unbounded repeats can be cubic); no repetition of something that itself repeats,
 * alternates or can match empty (exponential shapes, and where JS's empty-iteration rule departs
 * from RE2's). Everything else runs on the linear-time backtracker.
 */
function v8Safe(node: Re2Node): boolean {
  let unbounded = 0;
  const risky = contains(node, (n) => {
    if (n.k !== 'repeat' || !isLoop(n)) return false;
    if (n.max === -1) unbounded++;
    return (
      n.max > MAX_V8_COUNT ||
      isLoop(n.sub) ||
      contains(n.sub, (m) => m !== n.sub && isLoop(m)) ||
      contains(n.sub, (m) => m.k === 'alt') ||
      nullable(n.sub)
    );
  });
  return !risky && (unbounded === 0 || (unbounded === 1 && anchoredAtStart(node)));
}

function fromJs(re: RegExp, names: string[]): Re2 {
  return {
    names,
    test(s) {
      re.lastIndex = 0;
      return re.test(s);
    },
    exec(s, from) {
      re.lastIndex = from;
      const m = re.exec(s);
      return m && { index: m.index, end: m.index + m[0].length, groups: m };
    },
  };
}

function fromProg(prog: Prog, fallback: () => Re2, names: string[]): Re2 {
  return {
    names,
    test(s) {
      if (!canBacktrack(prog, s)) return fallback().test(s);
      return backtrack(prog, s, 0, false) !== null;
    },
    exec(s, from) {
      if (!canBacktrack(prog, s)) return fallback().exec(s, from);
      const slots = backtrack(prog, s, from, true);
      if (!slots) return null;
      const groups: (string | undefined)[] = [];
      for (let i = 0; i < slots.length; i += 2)
        groups.push(slots[i]! < 0 || slots[i + 1]! < 0 ? undefined : s.slice(slots[i], slots[i + 1]));
      return { index: slots[0]!, end: slots[1]!, groups };
    },
  };
}

/** Compiled patterns survive across evaluations: policies reuse a handful of patterns. */
const CACHE_MAX = 500;
const cache = new Map<string, Re2 | Re2SyntaxError>();

function build(pattern: string): Re2 {
  const ast = parseRe2(pattern);
  const js = () => fromJs(new RegExp(emitRe2(ast.node), 'gu'), ast.names);
  if (v8Safe(ast.node)) return js();
  const prog = compileProg(ast.node, ast.names.length);
  if (!prog) return js();
  let lazyJs: Re2 | undefined;
  return fromProg(prog, () => (lazyJs ??= js()), ast.names);
}

/** Compiles `pattern` with Go's syntax; throws Re2SyntaxError for what Go refuses. */
export function compileRe2(pattern: string): Re2 {
  let hit = cache.get(pattern);
  if (hit === undefined) {
    try {
      hit = build(pattern);
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
  return r.test(s);
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
export function findAll(r: Re2, s: string, n: number): Re2Match[] {
  const out: Re2Match[] = [];
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    const m = r.exec(s, pos);
    if (!m) break;
    let accept = true;
    if (m.end === pos) {
      // An empty match: not right after the previous match, and step one rune past it.
      if (m.index === prevEnd) accept = false;
      pos += runeWidth(s, pos);
    } else {
      pos = m.end;
    }
    prevEnd = m.end;
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
    if (m.end !== 0) out.push(s.slice(beg, end));
    beg = m.end;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups expand to ''. */
export function expandTemplate(r: Re2, template: string, m: Re2Match): string {
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
    if (num >= 0) out += m.groups[num] ?? '';
    else {
      const idx = r.names.indexOf(name);
      if (idx > 0) out += m.groups[idx] ?? '';
    }
  }
  return out + template.slice(i);
}

/** Go's Regexp.ReplaceAllString. */
export function replaceAll(r: Re2, s: string, template: string): string {
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  while (searchPos <= s.length) {
    const m = r.exec(s, searchPos);
    if (!m) break;
    out += s.slice(lastEnd, m.index);
    // No replacement for an empty match right after the previous match.
    if (m.end > lastEnd || m.index === 0) out += expandTemplate(r, template, m);
    lastEnd = m.end;
    const width = searchPos < s.length ? runeWidth(s, searchPos) : 0;
    if (searchPos + width > m.end) searchPos += width;
    else if (searchPos + 1 > m.end) searchPos++;
    else searchPos = m.end;
  }
  return out + s.slice(lastEnd);
}

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
