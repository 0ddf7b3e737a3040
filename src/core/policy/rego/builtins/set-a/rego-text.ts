/**
 * Rego source text of a value (OPA's `Term.String()`), which sprintf and template strings print
 * for composites: `["a", 1]`, `{"k": true}`, `{1, 2}`, `set()`. Strings are quoted as Go's
 * strconv.Quote does, which differs from JSON for non-printable runes.
 */
import { formatNumber, RDecimal, RSet, type Value } from '../../value.js';

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;
const PLAIN = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** Go's strconv.Quote (with `asciiOnly`, strconv.QuoteToASCII). */
export function goQuote(s: string, asciiOnly = false): string {
  if (PLAIN.test(s)) return `"${s}"`;
  let out = '"';
  for (const c of s) {
    const r = c.codePointAt(0)!;
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (r < 0x80 ? r >= 0x20 && r !== 0x7f : !asciiOnly && PRINTABLE.test(c)) out += c;
    else if (r === 7) out += '\\a';
    else if (r === 8) out += '\\b';
    else if (r === 12) out += '\\f';
    else if (r === 10) out += '\\n';
    else if (r === 13) out += '\\r';
    else if (r === 9) out += '\\t';
    else if (r === 11) out += '\\v';
    else if (r < 0x20 || r === 0x7f) out += `\\x${hex(r, 2)}`;
    else if (r >= 0xd800 && r <= 0xdfff) out += '\\ufffd';
    else if (r < 0x10000) out += `\\u${hex(r, 4)}`;
    else out += `\\U${hex(r, 8)}`;
  }
  return `${out}"`;
}

/** Rego text of a value, as OPA prints terms. */
export function regoText(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return goQuote(v);
    case 'number':
    case 'bigint':
      return formatNumber(v);
  }
  if (Array.isArray(v)) return `[${v.map(regoText).join(', ')}]`;
  if (v instanceof RSet) return v.size === 0 ? 'set()' : `{${v.sorted().map(regoText).join(', ')}}`;
  if (v instanceof RDecimal) return v.text;
  return `{${v
    .sortedEntries()
    .map(([k, x]) => `${regoText(k)}: ${regoText(x)}`)
    .join(', ')}}`;
}
