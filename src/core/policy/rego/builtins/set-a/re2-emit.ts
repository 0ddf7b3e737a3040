/**
 * Emits a JS RegExp (flag `u`) that matches what
 * Go's regexp matches for a parsed RE2 pattern. Everything JS spells differently is made explicit:
 * `.` never matches `\n` (JS also stops at `\r`, U+2028, U+2029), line anchors look for `\n`
 * only, and quantified assertions are wrapped (JS refuses `^*`).
 */
import { foldOrbit, type Range } from './re2-classes.js';
import type { Re2Node } from './re2-parse.js';

const esc = (c: number): string =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f
    ? String.fromCharCode(c)
    : `\\u{${c.toString(16)}}`;

function rangeText([lo, hi]: Range): string {
  if (lo === hi) return esc(lo);
  return `${esc(lo)}-${esc(hi)}`;
}

/** Whether a node holds a capture group (repeating it would duplicate the group). */
function hasCapture(n: Re2Node): boolean {
  switch (n.k) {
    case 'group':
      return n.cap >= 0 || hasCapture(n.sub);
    case 'repeat':
      return hasCapture(n.sub);
    case 'concat':
    case 'alt':
      return n.subs.some(hasCapture);
    default:
      return false;
  }
}

class Emitter {
  emit(n: Re2Node): string {
    switch (n.k) {
      case 'lit': {
        if (!n.fold) return esc(n.c);
        const orbit = foldOrbit(n.c);
        return orbit.length === 1 ? esc(n.c) : `[${orbit.map(esc).join('')}]`;
      }
      case 'class': {
        if (!n.neg && n.native.length === 0 && n.ranges.length === 1 && n.ranges[0]![0] === n.ranges[0]![1])
          return esc(n.ranges[0]![0]);
        // Go folds Unicode tables under (?i); for the case categories that means any cased letter.
        const native = n.fold ? n.native.map((x) => x.replace(/\{L[ult]\}/, '{LC}')) : n.native;
        return `[${n.neg ? '^' : ''}${n.ranges.map(rangeText).join('')}${native.join('')}]`;
      }
      case 'any':
        return n.nl ? '[^]' : '[^\\n]';
      case 'assert':
        switch (n.a) {
          case 'bot':
            return '^';
          case 'eot':
            return '$';
          case 'bol':
            return '(?<![^\\n])';
          case 'eol':
            return '(?![^\\n])';
          case 'wb':
            return '\\b';
          case 'nwb':
            return '\\B';
        }
        break;
      case 'group':
        return `(${n.cap < 0 ? '?:' : ''}${this.emit(n.sub)})`;
      case 'concat':
        return n.subs.map((s) => this.emit(s)).join('');
      case 'alt':
        return n.subs.map((s) => this.emit(s)).join('|');
      case 'repeat':
        return this.repeat(n);
    }
    return '';
  }

  private repeat(n: Extract<Re2Node, { k: 'repeat' }>): string {
    const atomic = n.sub.k === 'lit' || n.sub.k === 'class' || n.sub.k === 'any' || n.sub.k === 'group';
    const sub = this.emit(n.sub);
    const body = atomic ? sub : `(?:${sub})`;
    const lazy = n.greedy ? '' : '?';
    const copies = (n.min > 0 ? 1 : 0) + n.max - n.min;
    if (n.max >= 0 && n.max > n.min && nullable(n.sub) && (copies <= 1 || !hasCapture(n.sub))) {
      // JS refuses an empty iteration past the minimum and backtracks into the body for a longer
      // one; RE2 accepts it. Spelling the optional iterations as alternations keeps RE2's choice.
      let opt = '';
      for (let i = n.min; i < n.max; i++) opt = n.greedy ? `(?:${sub}${opt}|)` : `(?:|${sub}${opt})`;
      return (n.min === 0 ? '' : n.min === 1 ? body : `${body}{${n.min}}`) + opt;
    }
    let q: string;
    if (n.min === 0 && n.max === -1) q = '*';
    else if (n.min === 1 && n.max === -1) q = '+';
    else if (n.min === 0 && n.max === 1) q = '?';
    else if (n.max === -1) q = `{${n.min},}`;
    else if (n.min === n.max) q = `{${n.min}}`;
    else q = `{${n.min},${n.max}}`;
    return body + q + lazy;
  }
}

/** Whether a node can match the empty string. */
function nullable(n: Re2Node): boolean {
  switch (n.k) {
    case 'lit':
    case 'class':
    case 'any':
      return false;
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
  }
}

/** JS source (for flags `u`) of a parsed RE2 pattern. */
export function emitRe2(node: Re2Node): string {
  // No JS `i` flag: under it `\b` would also treat U+017F and U+212A as word characters. Folded
  // literals become classes of their case-fold orbit; classes were folded by the parser.
  return new Emitter().emit(node);
}
