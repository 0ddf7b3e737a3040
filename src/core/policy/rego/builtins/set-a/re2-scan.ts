/**
 * The lexical half of the RE2 parser: escapes, character classes (Perl, POSIX, Unicode) and case
 * folding, with Go's error texts. re2-parse.ts builds the structure on top of it.
 */
import {
  cleanRanges,
  foldRanges,
  negateRanges,
  PERL_CLASSES,
  POSIX_CLASSES,
  type Range,
} from './re2-classes.js';

export type Re2Node =
  | { k: 'lit'; c: number; fold: boolean }
  | { k: 'class'; ranges: Range[]; native: string[]; neg: boolean; fold: boolean }
  | { k: 'any'; nl: boolean }
  | { k: 'assert'; a: 'bot' | 'eot' | 'bol' | 'eol' | 'wb' | 'nwb' }
  | { k: 'group'; cap: number; sub: Re2Node }
  | { k: 'concat'; subs: Re2Node[] }
  | { k: 'alt'; subs: Re2Node[] }
  | { k: 'repeat'; sub: Re2Node; min: number; max: number; greedy: boolean; counted: boolean };

export interface Re2Ast {
  node: Re2Node;
  /** Capture group names by index (index 0 is the whole match); '' for unnamed. */
  names: string[];
}

/** A pattern Go's regexp would refuse; the message is Go's `error parsing regexp: ...`. */
export class Re2SyntaxError extends Error {
  constructor(code: string, expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
    this.name = 'Re2SyntaxError';
  }
}

export const FOLD = 1;
export const DOT_NL = 2;
export const ONE_LINE = 4;
export const NON_GREEDY = 8;
export const MAX_DEPTH = 1000;

export const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string) => /^[0-9A-Za-z]$/.test(c);
const unhex = (c: string) => (/^[0-9a-fA-F]$/.test(c) ? Number.parseInt(c, 16) : -1);

/** Reads escapes and classes from `src` at `pos` under the current `flags`. */
export class Re2Scanner {
  protected pos = 0;
  protected flags = ONE_LINE;

  constructor(protected readonly src: string) {}

  protected peek(off = 0): string | undefined {
    return this.src[this.pos + off];
  }

  /** Reads one code point. */
  protected next(): string {
    const c = String.fromCodePoint(this.src.codePointAt(this.pos)!);
    this.pos += c.length;
    return c;
  }

  protected lit(c: number): Re2Node {
    return { k: 'lit', c, fold: (this.flags & FOLD) !== 0 };
  }

  /** Ranges with their case-fold equivalents added under (?i), as Go's appendFoldedRange. */
  protected folded(ranges: Range[]): Range[] {
    return this.flags & FOLD ? foldRanges(ranges) : ranges;
  }

  /** A Perl or POSIX group: folded first, then negated (Go's appendGroup order). */
  protected group(ranges: Range[], negated: boolean): Range[] {
    const base = this.folded(ranges);
    return negated ? negateRanges(base) : base;
  }

  /** A class node from ranges that are already folded as needed. */
  protected klass(ranges: Range[], native: string[] = [], neg = false): Re2Node {
    return { k: 'class', ranges: cleanRanges(ranges), native, neg, fold: (this.flags & FOLD) !== 0 };
  }

  /** `\pL`, `\p{Greek}`, `\P{^Lu}`: Unicode categories and scripts, checked against JS's tables. */
  protected parseUnicodeClass(): Re2Node | undefined {
    const s = this.src;
    const c = s[this.pos + 1];
    if (s[this.pos] !== '\\' || (c !== 'p' && c !== 'P')) return undefined;
    const start = this.pos;
    let neg = c === 'P';
    let name: string;
    if (s[this.pos + 2] === '{') {
      const end = s.indexOf('}', this.pos + 3);
      if (end < 0) throw new Re2SyntaxError('invalid character class range', s.slice(start));
      name = s.slice(this.pos + 3, end);
      this.pos = end + 1;
    } else {
      if (this.pos + 2 >= s.length) throw new Re2SyntaxError('invalid character class range', s.slice(start));
      this.pos += 2;
      name = this.next();
    }
    if (name.startsWith('^')) {
      neg = !neg;
      name = name.slice(1);
    }
    const native = unicodeClassSource(name);
    if (native === undefined)
      throw new Re2SyntaxError('invalid character class range', s.slice(start, this.pos));
    if (native === '') return this.klass(neg ? [] : [[0, 0x10ffff]]);
    return this.klass([], [neg ? native.replace('\\p', '\\P') : native]);
  }

  protected parsePerlClass(): Re2Node | undefined {
    const c = this.src[this.pos + 1];
    if (this.src[this.pos] !== '\\' || c === undefined) return undefined;
    const ranges = PERL_CLASSES[c.toLowerCase()];
    if (!ranges || !'dswDSW'.includes(c)) return undefined;
    this.pos += 2;
    return this.klass(this.group(ranges, c === c.toUpperCase()));
  }

  /** Go's parseEscape: the code point of a single-character escape at pos (a backslash). */
  protected parseEscape(): number {
    const s = this.src;
    const start = this.pos;
    this.pos++;
    if (this.pos >= s.length) throw new Re2SyntaxError('trailing backslash at end of expression', '');
    const c = this.next();
    const bad = () => new Re2SyntaxError('invalid escape sequence', s.slice(start, this.pos));
    if (c.codePointAt(0)! < 0x80 && !isAlnum(c)) return c.codePointAt(0)!;
    if (c >= '0' && c <= '7') {
      // A single non-zero digit would be a backreference, which RE2 does not support.
      const isOct = (x: string | undefined) => x !== undefined && x >= '0' && x <= '7';
      if (c !== '0' && !isOct(s[this.pos])) throw bad();
      let v = Number(c);
      for (let i = 1; i < 3 && isOct(s[this.pos]); i++) v = v * 8 + Number(s[this.pos++]);
      return v;
    }
    if (c === 'x') {
      if (this.pos >= s.length) throw bad();
      const d = this.next();
      if (d === '{') {
        let v = 0;
        let n = 0;
        for (;;) {
          if (this.pos >= s.length) throw bad();
          const h = this.next();
          if (h === '}') break;
          const x = unhex(h);
          if (x < 0) throw bad();
          v = v * 16 + x;
          if (v > 0x10ffff) throw bad();
          n++;
        }
        if (n === 0) throw bad();
        return v;
      }
      if (this.pos >= s.length) throw bad();
      const e = this.next();
      if (unhex(d) < 0 || unhex(e) < 0) throw bad();
      return unhex(d) * 16 + unhex(e);
    }
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (simple[c] !== undefined) return simple[c]!;
    throw bad();
  }

  protected parseClass(): Re2Node {
    const s = this.src;
    const start = this.pos;
    this.pos++;
    let neg = false;
    if (s[this.pos] === '^') {
      neg = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    const native: string[] = [];
    let first = true;
    while (this.pos >= s.length || s[this.pos] !== ']' || first) {
      if (this.pos >= s.length) throw new Re2SyntaxError('missing closing ]', s.slice(start));
      first = false;
      if (s.startsWith('[:', this.pos) && this.pos + 2 < s.length) {
        const end = s.indexOf(':]', this.pos + 2);
        if (end >= 0) {
          const name = s.slice(this.pos + 2, end);
          const negated = name.startsWith('^');
          const group = POSIX_CLASSES[negated ? name.slice(1) : name];
          if (!group) throw new Re2SyntaxError('invalid character class range', s.slice(this.pos, end + 2));
          ranges.push(...this.group(group, negated));
          this.pos = end + 2;
          continue;
        }
      }
      const uni = this.parseUnicodeClass();
      if (uni) {
        if (uni.k === 'class') {
          ranges.push(...uni.ranges);
          native.push(...uni.native);
        }
        continue;
      }
      const perl = this.parsePerlClass();
      if (perl) {
        if (perl.k === 'class') ranges.push(...perl.ranges);
        continue;
      }
      const rangeStart = this.pos;
      const lo = this.parseClassChar(start);
      let hi = lo;
      if (s[this.pos] === '-' && this.pos + 1 < s.length && s[this.pos + 1] !== ']') {
        this.pos++;
        hi = this.parseClassChar(start);
        if (hi < lo) throw new Re2SyntaxError('invalid character class range', s.slice(rangeStart, this.pos));
      }
      ranges.push(...this.folded([[lo, hi]]));
    }
    this.pos++;
    return this.klass(ranges, native, neg);
  }

  protected parseClassChar(classStart: number): number {
    if (this.pos >= this.src.length)
      throw new Re2SyntaxError('missing closing ]', this.src.slice(classStart));
    if (this.src[this.pos] === '\\') return this.parseEscape();
    return this.next().codePointAt(0)!;
  }
}

const GENERAL_CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(
    ' ',
  ),
);
const scriptCache = new Map<string, boolean>();

/** JS class text for a Go Unicode class name; '' for `Any`; undefined when Go has no such table. */
function unicodeClassSource(name: string): string | undefined {
  if (name === 'Any') return '';
  if (GENERAL_CATEGORIES.has(name)) return `\\p{${name}}`;
  if (!/^[A-Z][A-Za-z_]*$/.test(name)) return undefined;
  let ok = scriptCache.get(name);
  if (ok === undefined) {
    try {
      new RegExp(`\\p{Script=${name}}`, 'u');
      ok = true;
    } catch {
      ok = false;
    }
    scriptCache.set(name, ok);
  }
  return ok ? `\\p{Script=${name}}` : undefined;
}
