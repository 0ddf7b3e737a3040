/**
 * A parser for RE2 syntax as Go's regexp/syntax accepts it with the Perl flags regexp.Compile
 * uses. It accepts and rejects exactly what Go does (backreferences, lookaround, possessive
 * and stacked repeats are errors, with Go's messages) and yields a small AST for the JS emitter.
 */
import {
  DOT_NL,
  FOLD,
  isDigit,
  MAX_DEPTH,
  NON_GREEDY,
  ONE_LINE,
  type Re2Ast,
  type Re2Node,
  Re2Scanner,
  Re2SyntaxError,
} from './re2-scan.js';

export type { Re2Ast, Re2Node } from './re2-scan.js';
export { Re2SyntaxError } from './re2-scan.js';

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

class Parser extends Re2Scanner {
  private depth = 0;
  readonly names: string[] = [''];

  parse(): Re2Node {
    const node = this.parseAlt();
    if (this.pos < this.src.length) throw new Re2SyntaxError('unexpected )', this.src);
    return node;
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
}

/** Parses an RE2 pattern; throws Re2SyntaxError with Go's message when Go would refuse it. */
export function parseRe2(pattern: string): Re2Ast {
  const p = new Parser(pattern);
  const node = p.parse();
  return { node, names: p.names };
}
