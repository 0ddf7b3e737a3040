/**
 * Emits a JS RegExp (flag `u`, plus `i` when the whole pattern is case-folded) that matches what
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

/** Which fold modes the case-sensitive parts of the pattern use. */
function foldModes(n: Re2Node, acc: Set<boolean>): void {
  switch (n.k) {
    case 'lit':
      acc.add(n.fold);
      return;
    case 'class':
      acc.add(n.fold);
      return;
    case 'group':
    case 'repeat':
      foldModes(n.sub, acc);
      return;
    case 'concat':
    case 'alt':
      for (const s of n.subs) foldModes(s, acc);
  }
}

class Emitter {
  /** In mixed mode (no global `i`), folded literals are spelled out as classes. */
  constructor(private readonly expandFold: boolean) {}

  emit(n: Re2Node): string {
    switch (n.k) {
      case 'lit': {
        if (!this.expandFold || !n.fold) return esc(n.c);
        const orbit = foldOrbit(n.c);
        return orbit.length === 1 ? esc(n.c) : `[${orbit.map(esc).join('')}]`;
      }
      case 'class': {
        if (!n.neg && n.native.length === 0 && n.ranges.length === 1 && n.ranges[0]![0] === n.ranges[0]![1])
          return esc(n.ranges[0]![0]);
        return `[${n.neg ? '^' : ''}${n.ranges.map(rangeText).join('')}${n.native.join('')}]`;
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
      case 'repeat': {
        const atomic = n.sub.k === 'lit' || n.sub.k === 'class' || n.sub.k === 'any' || n.sub.k === 'group';
        const sub = this.emit(n.sub);
        const body = atomic ? sub : `(?:${sub})`;
        let q: string;
        if (n.min === 0 && n.max === -1) q = '*';
        else if (n.min === 1 && n.max === -1) q = '+';
        else if (n.min === 0 && n.max === 1) q = '?';
        else if (n.max === -1) q = `{${n.min},}`;
        else if (n.min === n.max) q = `{${n.min}}`;
        else q = `{${n.min},${n.max}}`;
        return body + q + (n.greedy ? '' : '?');
      }
    }
    return '';
  }
}

/** JS source and flags for a parsed RE2 pattern. */
export function emitRe2(node: Re2Node): { source: string; flags: string } {
  const modes = new Set<boolean>();
  foldModes(node, modes);
  const allFold = modes.size === 1 && modes.has(true);
  const source = new Emitter(!allFold && modes.has(true)).emit(node);
  return { source, flags: allFold ? 'iu' : 'u' };
}
