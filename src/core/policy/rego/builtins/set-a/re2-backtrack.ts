/**
 * Go's "bit-state" backtracker: a depth-first search in priority order that visits each
 * (instruction, position) pair at most once, so it runs in time linear in the input (times the
 * program size) whatever the pattern, and finds Go's leftmost-first match with its captures.
 */

import type { Prog } from './re2-prog.js';
import * as prog from './re2-prog.js';

// Copied once into locals: imported bindings can compile to getters, too slow for the inner loop.
const { RUNE, ALT, SAVE, ASSERT, NOP, BEGIN_TEXT, END_TEXT, BEGIN_LINE, END_LINE, WORD_BOUNDARY } = prog;

/** Visited bitmaps larger than this (in bits) are not attempted. */
export const MAX_VISITED_BITS = 1 << 28;

let visited = new Uint32Array(1024);
const stack: number[] = [];

const isWord = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

function cond(kind: number, s: string, p: number): boolean {
  switch (kind) {
    case BEGIN_TEXT:
      return p === 0;
    case END_TEXT:
      return p === s.length;
    case BEGIN_LINE:
      return p === 0 || s.charCodeAt(p - 1) === 10;
    case END_LINE:
      return p === s.length || s.charCodeAt(p) === 10;
  }
  const before = p > 0 && isWord(s.charCodeAt(p - 1));
  const after = p < s.length && isWord(s.charCodeAt(p));
  return (before !== after) === (kind === WORD_BOUNDARY);
}

/** True when the visited bitmap for this program and input is small enough to run. */
export function canBacktrack(p: Prog, s: string): boolean {
  return p.op.length * (s.length + 1) <= MAX_VISITED_BITS;
}

/**
 * The leftmost-first match at or after `from` as capture slots (UTF-16 offsets, -1 when unset),
 * or null. With `caps` false the slots are not tracked (a yes/no answer is enough).
 */
export function backtrack(pr: Prog, s: string, from: number, caps: boolean): Int32Array | null {
  const { op, out, arg, tests } = pr;
  const len = s.length;
  const stride = len + 1;
  const words = Math.ceil((op.length * stride) / 32);
  if (visited.length < words) visited = new Uint32Array(Math.max(words, visited.length * 2));
  else visited.fill(0, 0, words);
  const vis = visited;
  const slots = new Int32Array(caps ? pr.nslots : 2).fill(-1);
  const st = stack;

  // Try each start position in turn; the visited bitmap is shared, so the total stays linear.
  for (let start = from; start <= len; ) {
    if (pr.anchored && start > 0) break;
    st.length = 0;
    st.push(0, pr.start, start);
    while (st.length > 0) {
      let p = st.pop()!;
      let pc = st.pop()!;
      if (st.pop()! === 1) {
        slots[pc] = p;
        continue;
      }
      for (;;) {
        const bit = pc * stride + p;
        const w = vis[bit >>> 5]!;
        const mask = 1 << (bit & 31);
        if (w & mask) break;
        vis[bit >>> 5] = w | mask;
        const o = op[pc]!;
        if (o === RUNE) {
          if (p >= len) break;
          let c = s.charCodeAt(p);
          if (c >= 0xd800 && c <= 0xdbff) c = s.codePointAt(p)!;
          const lit = arg[pc]!;
          if (lit >= 0 ? c !== lit : !tests[pc]!(c)) break;
          p += c > 0xffff ? 2 : 1;
          pc = out[pc]!;
        } else if (o === ALT) {
          st.push(0, arg[pc]!, p);
          pc = out[pc]!;
        } else if (o === SAVE) {
          if (caps) {
            const slot = arg[pc]!;
            st.push(1, slot, slots[slot]!);
            slots[slot] = p;
          }
          pc = out[pc]!;
        } else if (o === ASSERT) {
          if (!cond(arg[pc]!, s, p)) break;
          pc = out[pc]!;
        } else if (o === NOP) {
          pc = out[pc]!;
        } else {
          slots[1] = p;
          return slots;
        }
      }
    }
    if (start === len) break;
    const c = s.charCodeAt(start);
    start += c >= 0xd800 && c <= 0xdbff && start + 1 < len ? 2 : 1;
  }
  return null;
}
