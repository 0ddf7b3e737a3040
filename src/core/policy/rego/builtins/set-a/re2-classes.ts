/**
 * Character classes of RE2 (Go's regexp/syntax) as explicit code point ranges: the Perl classes
 * (`\d \s \w`, ASCII-only), the POSIX classes (`[:alpha:]`) and range arithmetic, so that a
 * class translates to JS without relying on JS's differently defined `\s` or `\w`.
 */

export type Range = [number, number];

export const MAX_RUNE = 0x10ffff;

const r = (...pairs: [string, string][]): Range[] =>
  pairs.map(([a, b]) => [a.codePointAt(0)!, b.codePointAt(0)!]);

export const PERL_CLASSES: Record<string, Range[]> = {
  d: r(['0', '9']),
  s: r(['\t', '\n'], ['\f', '\r'], [' ', ' ']),
  w: r(['0', '9'], ['A', 'Z'], ['_', '_'], ['a', 'z']),
};

export const POSIX_CLASSES: Record<string, Range[]> = {
  alnum: r(['0', '9'], ['A', 'Z'], ['a', 'z']),
  alpha: r(['A', 'Z'], ['a', 'z']),
  ascii: [[0, 0x7f]],
  blank: r(['\t', '\t'], [' ', ' ']),
  cntrl: [
    [0, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: r(['0', '9']),
  graph: r(['!', '~']),
  lower: r(['a', 'z']),
  print: r([' ', '~']),
  punct: r(['!', '/'], [':', '@'], ['[', '`'], ['{', '~']),
  space: r(['\t', '\r'], [' ', ' ']),
  upper: r(['A', 'Z']),
  word: r(['0', '9'], ['A', 'Z'], ['_', '_'], ['a', 'z']),
  xdigit: r(['0', '9'], ['A', 'F'], ['a', 'f']),
};

/** Sorted, merged copy of a range list. */
export function cleanRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Range[] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** Complement of a range list within [0, MAX_RUNE]. */
export function negateRanges(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of cleanRanges(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}

/** Code points that case-fold together with c (Unicode simple folding, as RE2's (?i) uses). */
export function foldOrbit(c: number): number[] {
  const s = String.fromCodePoint(c);
  const candidates = new Set<number>([c]);
  for (const m of [
    s.toLowerCase(),
    s.toUpperCase(),
    s.toLowerCase().toUpperCase(),
    s.toUpperCase().toLowerCase(),
  ]) {
    const cps = Array.from(m);
    if (cps.length === 1) candidates.add(cps[0]!.codePointAt(0)!);
  }
  for (const orbit of EXTRA_ORBITS) if (orbit.includes(c)) for (const x of orbit) candidates.add(x);
  return [...candidates];
}

/** Folding orbits with members that plain upper/lower casing does not reach. */
const EXTRA_ORBITS: number[][] = [
  [0x4b, 0x6b, 0x212a], // K k KELVIN SIGN
  [0x53, 0x73, 0x17f], // S s LONG S
  [0xc5, 0xe5, 0x212b], // Å å ANGSTROM SIGN
  [0xb5, 0x39c, 0x3bc], // MICRO SIGN, Greek mu
  [0x3a9, 0x3c9, 0x2126], // Ω ω OHM SIGN
  [0x398, 0x3b8, 0x3d1, 0x3f4], // theta
  [0x392, 0x3b2, 0x3d0], // beta
  [0x3a3, 0x3c2, 0x3c3], // sigma
  [0xdf, 0x1e9e], // sharp s
];

/** Adds the case-fold equivalents of each code point of the ranges (large ranges as is). */
export function foldRanges(ranges: Range[]): Range[] {
  const out: Range[] = [...ranges];
  for (const [lo, hi] of ranges) {
    if (hi - lo > 0x3000) continue;
    for (let c = lo; c <= hi; c++) for (const x of foldOrbit(c)) if (x !== c) out.push([x, x]);
  }
  return cleanRanges(out);
}
