/**
 * A parser for RE2 syntax as Go's regexp/syntax accepts it with the Perl flags regexp.Compile
 * uses. It accepts and rejects exactly what Go does (backreferences, lookaround, possessive
 * and stacked repeats are errors, with Go's messages) and yields a small AST for the JS emitter.
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

const FOLD = 1;
const DOT_NL = 2;
const ONE_LINE = 4;
const NON_GREEDY = 8;
const MAX_DEPTH = 1000;

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string) => /^[0-9A-Za-z]$/.test(c);
const unhex = (c: string) => (/^[0-9a-fA-F]$/.test(c) ? Number.parseInt(c, 16) : -1);

/** True when every counted repeat nested in `n` keeps the total repetition at or below `limit`. */
function repeatIsValid(n: Re2Node, limit: number): boolean {
  if (n.k === 'repeat' && n.counted) {
    let m = n.max;
    if (m === 0) return true;
    if (m < 0) m = n.min;
    if (m > limit) return false;
    if (m > 0) limit = Math.floor(limit / m);
  }
  if (n.k === 'group' || n.k === 'repeat') return repeatIsValid(n.sub, limit);
  if (n.k === 'concat' || n.k === 'alt') return n.subs.every((s) => repeatIsValid(s, limit));
  return true;
}

class Parser {
  private pos = 0;
  private flags = ONE_LINE;
  private depth = 0;
  readonly names: string[] = [''];

  constructor(private readonly src: string) {}

  parse(): Re2Node {
    const node = this.parseAlt();
    if (this.pos < this.src.length) throw new Re2SyntaxError('unexpected )', this.src);
    return node;
  }

  private peek(off = 0): string | undefined {
    return this.src[this.pos + off];
  }

  /** Reads one code point. */
  private next(): string {
    const c = String.fromCodePoint(this.src.codePointAt(this.pos)!);
    this.pos += c.length;
    return c;
  }

  private parseAlt(): Re2Node {
    const subs = [this.parseConcat()];
    while (this.peek() === '|') {
      this.pos++;
      subs.push(this.parseConcat());
    }
    return subs.length === 1 ? subs[0]! : { k: 'alt', subs };
  }

  private parseConcat(): Re2Node {
    const items: Re2Node[] = [];
    let lastRepeat = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '|' || c === ')') break;
      const start = this.pos;
      let repeat = '';
      if (c === '*' || c === '+' || c === '?' || c === '{') {
        let min: number;
        let max: number;
        if (c === '{') {
          const rep = this.parseRepeatBraces();
          if (!rep) {
            items.push(this.lit('{'.codePointAt(0)!));
            this.pos++;
            lastRepeat = '';
            continue;
          }
          [min, max] = rep;
          if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max))
            throw new Re2SyntaxError('invalid repeat count', this.src.slice(start, this.pos));
        } else {
          this.pos++;
          [min, max] = c === '*' ? [0, -1] : c === '+' ? [1, -1] : [0, 1];
        }
        let greedy = (this.flags & NON_GREEDY) === 0;
        if (this.peek() === '?') {
          this.pos++;
          greedy = !greedy;
        }
        if (lastRepeat !== '')
          throw new Re2SyntaxError(
            'invalid nested repetition operator',
            lastRepeat + this.src.slice(start, this.pos),
          );
        const sub = items.pop();
        if (!sub)
          throw new Re2SyntaxError(
            'missing argument to repetition operator',
            this.src.slice(start, this.pos),
          );
        const node: Re2Node = { k: 'repeat', sub, min, max, greedy, counted: c === '{' };
        if (c === '{' && (min >= 2 || max >= 2) && !repeatIsValid(node, 1000))
          throw new Re2SyntaxError('invalid repeat count', this.src.slice(start, this.pos));
        items.push(node);
        repeat = this.src.slice(start, this.pos);
      } else {
        this.parseAtom(items);
      }
      lastRepeat = repeat;
    }
    return items.length === 1 ? items[0]! : { k: 'concat', subs: items };
  }

  /** Go's parseRepeat: `{n}`, `{n,}`, `{n,m}`; undefined when the braces are literal text. */
  private parseRepeatBraces(): [number, number] | undefined {
    const save = this.pos;
    this.pos++;
    const min = this.parseInt();
    let max = min;
    if (min !== undefined && this.peek() === ',') {
      this.pos++;
      if (this.peek() === '}') max = -1;
      else {
        max = this.parseInt();
        // A too-large maximum makes the count invalid, not unbounded.
        if (max === -1) return this.bracesEnd(save, -1, -1);
      }
    }
    if (min === undefined || max === undefined) return this.bracesEnd(save);
    return this.bracesEnd(save, min, max);
  }

  private bracesEnd(save: number, min?: number, max?: number): [number, number] | undefined {
    if (min === undefined || max === undefined || this.peek() !== '}') {
      this.pos = save;
      return undefined;
    }
    this.pos++;
    return [min, max];
  }

  /** Go's parseInt: digits without a leading zero; -1 when too large. */
  private parseInt(): number | undefined {
    const s = this.src;
    if (!isDigit(s[this.pos])) return undefined;
    if (s[this.pos] === '0' && isDigit(s[this.pos + 1])) return undefined;
    let n = 0;
    for (; isDigit(s[this.pos]); this.pos++) n = n < 0 || n >= 1e8 ? -1 : n * 10 + Number(s[this.pos]);
    return n;
  }

  private lit(c: number): Re2Node {
    return { k: 'lit', c, fold: (this.flags & FOLD) !== 0 };
  }

  /** Ranges with their case-fold equivalents added under (?i), as Go's appendFoldedRange. */
  private folded(ranges: Range[]): Range[] {
    return this.flags & FOLD ? foldRanges(ranges) : ranges;
  }

  /** A Perl or POSIX group: folded first, then negated (Go's appendGroup order). */
  private group(ranges: Range[], negated: boolean): Range[] {
    const base = this.folded(ranges);
    return negated ? negateRanges(base) : base;
  }

  /** A class node from ranges that are already folded as needed. */
  private klass(ranges: Range[], native: string[] = [], neg = false): Re2Node {
    return { k: 'class', ranges: cleanRanges(ranges), native, neg, fold: (this.flags & FOLD) !== 0 };
  }

  private parseAtom(items: Re2Node[]): void {
    const c = this.src[this.pos]!;
    switch (c) {
      case '(':
        if (this.peek(1) === '?') {
          const group = this.parsePerlGroup();
          if (group) items.push(group);
          return;
        }
        this.pos++;
        items.push(this.parseGroupBody(this.names.push('') - 1));
        return;
      case '^':
        this.pos++;
        items.push({ k: 'assert', a: this.flags & ONE_LINE ? 'bot' : 'bol' });
        return;
      case '$':
        this.pos++;
        items.push({ k: 'assert', a: this.flags & ONE_LINE ? 'eot' : 'eol' });
        return;
      case '.':
        this.pos++;
        items.push({ k: 'any', nl: (this.flags & DOT_NL) !== 0 });
        return;
      case '[':
        items.push(this.parseClass());
        return;
      case '\\':
        this.parseBackslash(items);
        return;
    }
    items.push(this.lit(this.next().codePointAt(0)!));
  }

  /** After `(` (and any `?...` prefix): the body up to `)`, with the flags restored afterwards. */
  private parseGroupBody(cap: number): Re2Node {
    if (++this.depth > MAX_DEPTH) throw new Re2SyntaxError('expression nests too deeply', this.src);
    const saved = this.flags;
    const sub = this.parseAlt();
    if (this.peek() !== ')') throw new Re2SyntaxError('missing closing )', this.src);
    this.pos++;
    this.flags = saved;
    this.depth--;
    return { k: 'group', cap, sub };
  }

  /** `(?P<name>`, `(?<name>`, `(?flags)` or `(?flags:`; undefined for a bare flag change. */
  private parsePerlGroup(): Re2Node | undefined {
    const s = this.src;
    const start = this.pos;
    const rest = s.slice(start);
    const named =
      rest.startsWith('(?P<') && rest.length > 4 ? 4 : rest.startsWith('(?<') && rest.length > 3 ? 3 : 0;
    if (named) {
      const end = rest.indexOf('>');
      if (end < 0) throw new Re2SyntaxError('invalid named capture', rest);
      const name = rest.slice(named, end);
      if (!/^[0-9A-Za-z_]+$/.test(name))
        throw new Re2SyntaxError('invalid named capture', rest.slice(0, end + 1));
      this.pos += end + 1;
      const cap = this.names.push(name) - 1;
      return this.parseGroupBody(cap);
    }
    this.pos += 2;
    let flags = this.flags;
    let negate = false;
    let sawFlag = false;
    while (this.pos < s.length) {
      const c = this.next();
      switch (c) {
        case 'i':
        case 'm':
        case 's':
        case 'U': {
          const bit = c === 'i' ? FOLD : c === 'm' ? ONE_LINE : c === 's' ? DOT_NL : NON_GREEDY;
          // `m` clears OneLine; negation flips the sense of every flag.
          const set = (c === 'm') === negate;
          flags = set ? flags | bit : flags & ~bit;
          sawFlag = true;
          continue;
        }
        case '-':
          if (negate) break;
          negate = true;
          sawFlag = false;
          continue;
        case ':':
        case ')':
          if (negate && !sawFlag) break;
          if (c === ')') {
            this.flags = flags;
            return undefined;
          }
          {
            // A non-capturing group: its flags apply inside only.
            const outer = this.flags;
            this.flags = flags;
            const g = this.parseGroupBody(-1);
            this.flags = outer;
            return g;
          }
      }
      break;
    }
    throw new Re2SyntaxError('invalid or unsupported Perl syntax', s.slice(start, this.pos));
  }

  private parseBackslash(items: Re2Node[]): void {
    const s = this.src;
    const c1 = s[this.pos + 1];
    switch (c1) {
      case 'A':
        this.pos += 2;
        items.push({ k: 'assert', a: 'bot' });
        return;
      case 'z':
        this.pos += 2;
        items.push({ k: 'assert', a: 'eot' });
        return;
      case 'b':
      case 'B':
        this.pos += 2;
        items.push({ k: 'assert', a: c1 === 'b' ? 'wb' : 'nwb' });
        return;
      case 'C':
        throw new Re2SyntaxError('invalid escape sequence', '\\C');
      case 'Q': {
        const end = s.indexOf('\\E', this.pos + 2);
        const text = s.slice(this.pos + 2, end < 0 ? s.length : end);
        for (const ch of text) items.push(this.lit(ch.codePointAt(0)!));
        this.pos = end < 0 ? s.length : end + 2;
        return;
      }
    }
    const cls = this.parseUnicodeClass() ?? this.parsePerlClass();
    if (cls) {
      items.push(cls);
      return;
    }
    items.push(this.lit(this.parseEscape()));
  }

  /** `\pL`, `\p{Greek}`, `\P{^Lu}`: Unicode categories and scripts, checked against JS's tables. */
  private parseUnicodeClass(): Re2Node | undefined {
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

  private parsePerlClass(): Re2Node | undefined {
    const c = this.src[this.pos + 1];
    if (this.src[this.pos] !== '\\' || c === undefined) return undefined;
    const ranges = PERL_CLASSES[c.toLowerCase()];
    if (!ranges || !'dswDSW'.includes(c)) return undefined;
    this.pos += 2;
    return this.klass(this.group(ranges, c === c.toUpperCase()));
  }

  /** Go's parseEscape: the code point of a single-character escape at pos (a backslash). */
  private parseEscape(): number {
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

  private parseClass(): Re2Node {
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

  private parseClassChar(classStart: number): number {
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

/** Parses an RE2 pattern; throws Re2SyntaxError with Go's message when Go would refuse it. */
export function parseRe2(pattern: string): Re2Ast {
  const p = new Parser(pattern);
  const node = p.parse();
  return { node, names: p.names };
}
