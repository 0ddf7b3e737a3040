/**
 * Go string semantics on JS strings. Go indexes runes (code points) where JS indexes UTF-16 units,
 * and Go's case mapping and white space are per rune (simple mappings), so these helpers bridge
 * the two. Every helper has an ASCII fast path: policy strings are almost always ASCII.
 */

const NON_ASCII = /[\u0080-\uffff]/;

/** True when every character is ASCII (indices then agree between Go and JS). */
export function isASCII(s: string): boolean {
  return !NON_ASCII.test(s);
}

/** The code points of a string, each as a string (lone surrogates stay single units). */
export function runes(s: string): string[] {
  return isASCII(s) ? s.split('') : Array.from(s);
}

/** Code point index of the UTF-16 offset `unit` in `s`. */
export function runeIndex(s: string, unit: number): number {
  let n = 0;
  for (let i = 0; i < unit; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < unit) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Go's strings.Split: an empty separator splits into runes; an empty string with one gives []. */
export function goSplit(s: string, sep: string): string[] {
  if (sep === '') return runes(s);
  return s.split(sep);
}

/**
 * Maps each code point with JS's case mapping, keeping it when the mapping is not one code point
 * (JS applies full mappings like ß → SS; Go's unicode.ToUpper is the simple, one-rune mapping).
 */
function mapRunes(s: string, map: (c: string) => string, special: Record<string, string>): string {
  let out = '';
  for (const c of s) {
    const sp = special[c];
    if (sp !== undefined) {
      out += sp;
      continue;
    }
    const m = map(c);
    out += m.length === c.length || [...m].length === 1 ? m : c;
  }
  return out;
}

/** Simple-mapping exceptions where JS's full mapping differs from Go's rune mapping. */
const LOWER_SPECIAL: Record<string, string> = { '\u0130': 'i' };
const UPPER_SPECIAL: Record<string, string> = {};

/** Go's strings.ToLower. */
export function goLower(s: string): string {
  return isASCII(s) ? s.toLowerCase() : mapRunes(s, (c) => c.toLowerCase(), LOWER_SPECIAL);
}

/** Go's strings.ToUpper. */
export function goUpper(s: string): string {
  return isASCII(s) ? s.toUpperCase() : mapRunes(s, (c) => c.toUpperCase(), UPPER_SPECIAL);
}

/** Go's unicode.IsSpace (JS's \s differs: it includes U+FEFF and lacks U+0085). */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

export function isGoSpace(c: string): boolean {
  return GO_SPACE.test(c);
}

/** Go's strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  const cs = runes(s);
  let a = 0;
  let b = cs.length;
  while (a < b && isGoSpace(cs[a]!)) a++;
  while (b > a && isGoSpace(cs[b - 1]!)) b--;
  return a === 0 && b === cs.length ? s : cs.slice(a, b).join('');
}

/** Go's strings.Trim / TrimLeft / TrimRight with a cutset of runes. */
export function goTrimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  if (s === '' || cutset === '') return s;
  const cut = new Set(runes(cutset));
  const cs = runes(s);
  let a = 0;
  let b = cs.length;
  if (left) while (a < b && cut.has(cs[a]!)) a++;
  if (right) while (b > a && cut.has(cs[b - 1]!)) b--;
  return a === 0 && b === cs.length ? s : cs.slice(a, b).join('');
}

/** Reverses by code point (strings.reverse). */
export function reverseRunes(s: string): string {
  return runes(s).reverse().join('');
}
