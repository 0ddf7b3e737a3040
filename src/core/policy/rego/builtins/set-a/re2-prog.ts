/**
 * Compiles a parsed RE2 pattern to an instruction program the way Go's regexp/syntax does
 * (repeats expanded as `xx(x(x)?)?`, a nullable `x*` as `(x+)?`), for the linear-time matcher
 * in re2-backtrack.ts. The instruction order fixes the match priority (leftmost-first).
 */
import type { Range } from './re2-classes.js';
import { foldOrbit } from './re2-classes.js';
import type { Re2Node } from './re2-parse.js';

/** Instruction kinds. */
export const RUNE = 0;
export const ALT = 1;
export const SAVE = 2;
export const ASSERT = 3;
export const NOP = 4;
export const MATCH = 5;

/** Empty-width conditions of ASSERT. */
export const BEGIN_TEXT = 0;
export const END_TEXT = 1;
export const BEGIN_LINE = 2;
export const END_LINE = 3;
export const WORD_BOUNDARY = 4;
export const NO_WORD_BOUNDARY = 5;

/** Tests one code point. */
export type RuneTest = (c: number) => boolean;

export interface Prog {
  /** Entry instruction. */
  start: number;
  op: Uint8Array;
  /** Next instruction (for Alt: the preferred branch). */
  out: Int32Array;
  /** Alt: the other branch; Save: the slot; Assert: the condition; Rune: the code point, or -1 to use `tests`. */
  arg: Int32Array;
  tests: (RuneTest | undefined)[];
  /** Number of capture slots (2 per group, group 0 included). */
  nslots: number;
  /** The pattern can only match at the start of the text. */
  anchored: boolean;
}

function inRanges(ranges: Range[], c: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (c < r[0]) hi = mid - 1;
    else if (c > r[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

function classTest(n: Extract<Re2Node, { k: 'class' }>): RuneTest {
  const { ranges, neg } = n;
  const natives = n.native.map((x) => new RegExp(`^[${n.fold ? x.replace(/\{L[ult]\}/, '{LC}') : x}]$`, 'u'));
  if (natives.length === 0) return (c) => inRanges(ranges, c) !== neg;
  return (c) => (inRanges(ranges, c) || natives.some((re) => re.test(String.fromCodePoint(c)))) !== neg;
}

/** A fragment: its entry and the dangling exits (instruction index * 2 + 0 for out, + 1 for arg). */
interface Frag {
  start: number;
  exits: number[];
  nullable: boolean;
}

class Compiler {
  op: number[] = [];
  out: number[] = [];
  arg: number[] = [];
  tests: (RuneTest | undefined)[] = [];

  private inst(op: number, test?: RuneTest, arg = 0): number {
    this.op.push(op);
    this.out.push(-1);
    this.arg.push(arg);
    this.tests.push(test);
    return this.op.length - 1;
  }

  private patch(exits: number[], to: number): void {
    for (const e of exits) {
      if (e & 1) this.arg[e >> 1] = to;
      else this.out[e >> 1] = to;
    }
  }

  private empty(): Frag {
    const i = this.inst(NOP);
    return { start: i, exits: [i * 2], nullable: true };
  }

  private cat(a: Frag, b: Frag): Frag {
    this.patch(a.exits, b.start);
    return { start: a.start, exits: b.exits, nullable: a.nullable && b.nullable };
  }

  private quest(f: Frag, greedy: boolean): Frag {
    const i = this.inst(ALT);
    if (greedy) {
      this.out[i] = f.start;
      return { start: i, exits: [i * 2 + 1, ...f.exits], nullable: true };
    }
    this.arg[i] = f.start;
    return { start: i, exits: [i * 2, ...f.exits], nullable: true };
  }

  /** The loop of x+ (entered at f.start) or of a non-nullable x* (entered at the Alt). */
  private loop(f: Frag, greedy: boolean): Frag {
    const i = this.inst(ALT);
    let exit: number;
    if (greedy) {
      this.out[i] = f.start;
      exit = i * 2 + 1;
    } else {
      this.arg[i] = f.start;
      exit = i * 2;
    }
    this.patch(f.exits, i);
    return { start: i, exits: [exit], nullable: true };
  }

  private plus(f: Frag, greedy: boolean): Frag {
    const l = this.loop(f, greedy);
    return { start: f.start, exits: l.exits, nullable: f.nullable };
  }

  private star(n: Re2Node, greedy: boolean): Frag {
    const f = this.compile(n);
    // Go: a nullable x* is (x+)? so that the match priority comes out right (golang.org/issue/46123).
    if (f.nullable) return this.quest(this.plus(f, greedy), greedy);
    return this.loop(f, greedy);
  }

  compile(n: Re2Node): Frag {
    switch (n.k) {
      case 'lit': {
        const c = n.c;
        const orbit = n.fold ? foldOrbit(c) : [c];
        const i =
          orbit.length === 1 ? this.inst(RUNE, undefined, c) : this.inst(RUNE, (x) => orbit.includes(x), -1);
        return { start: i, exits: [i * 2], nullable: false };
      }
      case 'class': {
        const i = this.inst(RUNE, classTest(n), -1);
        return { start: i, exits: [i * 2], nullable: false };
      }
      case 'any': {
        const i = this.inst(RUNE, n.nl ? () => true : (c) => c !== 10, -1);
        return { start: i, exits: [i * 2], nullable: false };
      }
      case 'assert': {
        const cond = {
          bot: BEGIN_TEXT,
          eot: END_TEXT,
          bol: BEGIN_LINE,
          eol: END_LINE,
          wb: WORD_BOUNDARY,
          nwb: NO_WORD_BOUNDARY,
        }[n.a];
        const i = this.inst(ASSERT, undefined, cond);
        return { start: i, exits: [i * 2], nullable: true };
      }
      case 'group': {
        if (n.cap < 0) return this.compile(n.sub);
        const open = this.inst(SAVE, undefined, 2 * n.cap);
        const body = this.compile(n.sub);
        const close = this.inst(SAVE, undefined, 2 * n.cap + 1);
        this.patch([open * 2], body.start);
        this.patch(body.exits, close);
        return { start: open, exits: [close * 2], nullable: body.nullable };
      }
      case 'concat': {
        if (n.subs.length === 0) return this.empty();
        let f = this.compile(n.subs[0]!);
        for (let k = 1; k < n.subs.length; k++) f = this.cat(f, this.compile(n.subs[k]!));
        return f;
      }
      case 'alt': {
        // a|b|c as Alt(a, Alt(b, c)), first alternative preferred.
        const frags = n.subs.map((s) => this.compile(s));
        let f = frags[frags.length - 1]!;
        for (let k = frags.length - 2; k >= 0; k--) {
          const a = frags[k]!;
          const i = this.inst(ALT);
          this.out[i] = a.start;
          this.arg[i] = f.start;
          f = { start: i, exits: [...a.exits, ...f.exits], nullable: a.nullable || f.nullable };
        }
        return f;
      }
      case 'repeat':
        return this.repeat(n);
    }
  }

  /** Go's simplify of x{n,m} into plain x, x*, x+ and x? pieces. */
  private repeat(n: Extract<Re2Node, { k: 'repeat' }>): Frag {
    const { sub, min, max, greedy } = n;
    if (min === 0 && max === 0) return this.empty();
    if (max === -1) {
      if (min === 0) return this.star(sub, greedy);
      let f: Frag | undefined;
      for (let i = 0; i < min - 1; i++) f = f ? this.cat(f, this.compile(sub)) : this.compile(sub);
      const p = this.plus(this.compile(sub), greedy);
      return f ? this.cat(f, p) : p;
    }
    let prefix: Frag | undefined;
    for (let i = 0; i < min; i++) prefix = prefix ? this.cat(prefix, this.compile(sub)) : this.compile(sub);
    if (max > min) {
      // x{2,5} = xx(x(x(x)?)?)?: build the nested optional suffix from the inside out.
      let suffix = this.quest(this.compile(sub), greedy);
      for (let i = min + 1; i < max; i++) suffix = this.quest(this.cat(this.compile(sub), suffix), greedy);
      prefix = prefix ? this.cat(prefix, suffix) : suffix;
    }
    return prefix ?? this.empty();
  }
}

/** Largest program we build; Go refuses much larger ones, this keeps the visited bitmap small. */
export const MAX_PROG = 50_000;

/** Compiles the pattern tree to a program; undefined when it would be too large. */
export function compileProg(node: Re2Node, ngroups: number): Prog | undefined {
  const c = new Compiler();
  const open = c.compile({ k: 'group', cap: 0, sub: node });
  if (c.op.length >= MAX_PROG) return undefined;
  const m = c.op.length;
  c.op.push(MATCH);
  c.out.push(-1);
  c.arg.push(0);
  c.tests.push(undefined);
  for (const e of open.exits) c.out[e >> 1] = m;
  let first = node;
  while (first.k === 'concat' && first.subs.length > 0) first = first.subs[0]!;
  return {
    start: open.start,
    op: Uint8Array.from(c.op),
    out: Int32Array.from(c.out),
    arg: Int32Array.from(c.arg),
    tests: c.tests,
    nslots: 2 * ngroups,
    anchored: first.k === 'assert' && first.a === 'bot',
  };
}
