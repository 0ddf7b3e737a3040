/**
 * regex.globs_match: whether two "globs" (literal runes, `.`, `[...]` sets, each optionally
 * followed by `+` or `*`) match a common non-empty string. A TypeScript rendering of the
 * algorithm of github.com/yashtewari/glob-intersection, which OPA uses, with its error texts.
 */
import { builtinError } from '../types.js';

const NONE = 0;
const PLUS = 1;
const STAR = 2;

interface Token {
  t: 'char' | 'dot' | 'set';
  r: number;
  set: Set<number> | undefined;
  flag: number;
}

const INVALID = 'the input provided is invalid';

function invalid(input: number[], pos: number, message: string): never {
  throw builtinError(`input:${String.fromCodePoint(...input)}, pos:${pos}, ${message}: ${INVALID}`);
}

/** Reads one rune (or an escaped one); undefined at the end. */
function nextRune(input: number[], i: number): [number, number, boolean] | undefined {
  if (i >= input.length) return undefined;
  if (input[i] === 0x5c) {
    if (i === input.length - 1) invalid(input, i, 'input ends with a \\ (escape) character');
    return [i + 2, input[i + 1]!, true];
  }
  return [i + 1, input[i]!, false];
}

function readSet(input: number[], i: number): [number, Set<number>] {
  const runes = new Set<number>();
  let prev = 0;
  let prevExists = false;
  for (let n = nextRune(input, i); n; n = nextRune(input, i)) {
    let [ni, r, escaped] = n;
    i = ni;
    if (!escaped && r === 0x5d) return [i, runes];
    if (!escaped && r === 0x2d) {
      if (!prevExists) invalid(input, i, "range character '-' must be preceded by a Unicode character");
      if (i >= input.length - 1)
        invalid(input, i, "range character '-' must be followed by a Unicode character");
      [i, r, escaped] = nextRune(input, i)!;
      if (!escaped && (r === 0x5d || r === 0x2d))
        invalid(input, i, "range character '-' cannot be followed by a special symbol");
      if (r < prev) {
        const [hi, lo] = [String.fromCodePoint(r), String.fromCodePoint(prev)];
        invalid(input, i, `range is out of order: '${hi}' comes before '${lo}' in Unicode`);
      }
      for (let x = prev; x <= r; x++) runes.add(x);
      prevExists = false;
      continue;
    }
    runes.add(r);
    prev = r;
    prevExists = true;
  }
  return invalid(input, i, 'found [ without matching ]');
}

function tokenize(input: number[]): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (let n = nextRune(input, 0); n; n = nextRune(input, i)) {
    const [ni, r, escaped] = n;
    i = ni;
    let tok: Token;
    if (!escaped && r === 0x2e) tok = { t: 'dot', r: 0, set: undefined, flag: NONE };
    else if (!escaped && r === 0x5d) return invalid(input, i, "set-close ']' with no preceding '['");
    else if (!escaped && r === 0x5b) {
      const [si, set] = readSet(input, i);
      i = si;
      tok = { t: 'set', r: 0, set, flag: NONE };
    } else if (!escaped && (r === 0x2b || r === 0x2a))
      return invalid(input, i, `flag '${String.fromCodePoint(r)}' must be preceded by a non-flag`);
    else tok = { t: 'char', r, set: undefined, flag: NONE };
    const f = i < input.length ? input[i] : undefined;
    if (f === 0x2b || f === 0x2a) {
      tok.flag = f === 0x2b ? PLUS : STAR;
      i++;
    }
    tokens.push(tok);
  }
  return tokens;
}

function equalTokens(a: Token, b: Token): boolean {
  if (a.t !== b.t) return false;
  if (a.t === 'char') return a.r === b.r;
  if (a.t === 'set') return a.set!.size === b.set!.size && [...a.set!].every((x) => b.set!.has(x));
  return true;
}

/** Drops redundant flagged tokens: `a*a*` is `a*`, and `+` wins over `*`. */
function simplify(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    const last = out[out.length - 1];
    if (last && t.flag !== NONE && last.flag !== NONE && equalTokens(t, last)) {
      last.flag = t.flag === PLUS || last.flag === PLUS ? PLUS : STAR;
      continue;
    }
    out.push(t);
  }
  return out;
}

/** Whether two single tokens can match a common rune (flags ignored). */
function match(a: Token, b: Token): boolean {
  if (a.t === 'dot' || b.t === 'dot') return true;
  if (a.t === 'char' && b.t === 'char') return a.r === b.r;
  if (a.t === 'char') return b.set!.has(a.r);
  if (b.t === 'char') return a.set!.has(b.r);
  for (const x of a.set!) if (b.set!.has(x)) return true;
  return false;
}

function intersectNormal(g1: Token[], g2: Token[]): boolean {
  let i = 0;
  let j = 0;
  for (; i < g1.length && j < g2.length; i++, j++) {
    if (g1[i]!.flag === NONE && g2[j]!.flag === NONE) {
      if (!match(g1[i]!, g2[j]!)) return false;
    } else return intersectSpecial(g1.slice(i), g2.slice(j));
  }
  return i === g1.length && j === g2.length;
}

function intersectSpecial(g1: Token[], g2: Token[]): boolean {
  if (g1[0]!.flag !== NONE) return g1[0]!.flag === PLUS ? intersectPlus(g1, g2) : intersectStar(g1, g2);
  return g2[0]!.flag === PLUS ? intersectPlus(g2, g1) : intersectStar(g2, g1);
}

function intersectPlus(plussed: Token[], other: Token[]): boolean {
  if (other.length === 0 || !match(plussed[0]!, other[0]!)) return false;
  if (intersectStar(plussed, other.slice(1))) return true;
  return other[0]!.flag !== NONE && intersectNormal(plussed.slice(1), other);
}

function intersectStar(starred: Token[], other: Token[]): boolean {
  const star = starred[0]!;
  const next = starred[1];
  for (let i = 0; i < other.length; i++) {
    const t = other[i]!;
    if (next && match(t, next)) {
      if (intersectNormal(starred.slice(1), other.slice(i))) return true;
      if (!match(t, star)) return false;
    } else if (!match(t, star)) return false;
  }
  return next === undefined;
}

/** Trims the common unflagged prefix and suffix, keeping one token on each side. */
function trimGlobs(g1: Token[], g2: Token[]): [Token[], Token[]] | undefined {
  let l = 0;
  for (; l < g1.length && l < g2.length && g1[l]!.flag === NONE && g2[l]!.flag === NONE; l++) {
    if (!match(g1[l]!, g2[l]!)) return undefined;
  }
  if (l > 0) l--;
  let r1 = g1.length - 1;
  let r2 = g2.length - 1;
  for (
    ;
    r1 >= 0 && r1 >= l && r2 >= 0 && r2 >= l && g1[r1]!.flag === NONE && g2[r2]!.flag === NONE;
    r1--, r2--
  ) {
    if (!match(g1[r1]!, g2[r2]!)) return undefined;
  }
  if (r1 < g1.length - 1) {
    r1++;
    r2++;
  }
  return [g1.slice(l, r1 + 1), g2.slice(l, r2 + 1)];
}

/** True if the two globs both match some non-empty string. */
export function globsMatch(lhs: string, rhs: string): boolean {
  const g1 = simplify(tokenize(Array.from(lhs, (c) => c.codePointAt(0)!)));
  const g2 = simplify(tokenize(Array.from(rhs, (c) => c.codePointAt(0)!)));
  const trimmed = trimGlobs(g1, g2);
  if (!trimmed) return false;
  return intersectNormal(trimmed[0], trimmed[1]);
}
