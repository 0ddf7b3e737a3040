/**
 * Helpers shared by the set-B builtins: OPA's operand error wording, Go's string quoting, UTF-8
 * byte handling (Go strings are bytes, JS strings are UTF-16) and exact decimal number parsing.
 */

import { MAX_DECIMAL_EXP } from '../../decimal.js';
import { normNumber, RDecimal, type RNumber, type Value } from '../../value.js';
import { BuiltinError, builtinError, operandTypeError } from '../types.js';

/** OPA's `builtins.NewOperandErr`: `operand <pos> <msg>`, reported as a type error. */
export function operandError(pos: number, msg: string): BuiltinError {
  return new BuiltinError('eval_type_error', `operand ${pos} ${msg}`);
}

/** Returns `v` if it is a string, else throws OPA's operand type error. */
export function stringArg(v: Value, pos: number): string {
  if (typeof v !== 'string') throw operandTypeError(pos, 'string', v);
  return v;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's `strconv.Quote` (what `%q` and ast.String's String() print). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (PRINTABLE.test(ch)) out += ch;
    else if (ch === '\u0007') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** UTF-8 bytes of a string (what Go sees for an ast.String). */
export function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** A Go byte string turned back into text; invalid UTF-8 becomes U+FFFD as Go's JSON output does. */
export function fromUtf8(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

/** A "binary string" (one char per UTF-8 byte) so byte-oriented Go algorithms can be ported 1:1. */
export function toBin(s: string): string {
  return utf8(s).toString('latin1');
}

/** Inverse of `toBin`. */
export function fromBin(b: string): string {
  return Buffer.from(b, 'latin1').toString('utf8');
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Exact value of a decimal literal such as `1705257221593912000`, `1e3` or `0.5`: integral values
 * become exact integers (bigint beyond 2^53), everything else the nearest double. A value a double
 * cannot hold (`2e308`, `1e-400`) is an RDecimal keeping the text, as OPA's json.Number does; plain
 * digits stay an integer however many there are, as in a Rego literal.
 */
export function parseDecimal(text: string): RNumber {
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return Number(text);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const digits = ((m[2] ?? '') + frac).replace(/^0+/, '');
  if (digits === '') return 0;
  const exp = Number(m[4] ?? '0') - frac.length;
  if (m[3] === undefined && m[4] === undefined) {
    // Plain digits cost no more as a bigint than as text; only an exponent can blow a value up.
    if (digits.length > MAX_DECIMAL_EXP) throw builtinError('number too big');
  } else {
    const x = Number(text);
    if (!Number.isFinite(x) || x === 0) {
      const big = RDecimal.fromText(text);
      if (big === undefined) return x;
      if (!big.inBounds) throw builtinError('number too big');
      return big;
    }
    if (exp < 0) return x;
  }
  const n = BigInt(digits) * 10n ** BigInt(exp);
  return normNumber(m[1] === '-' ? -n : n);
}

/** Go's `unicode.IsPrint` for one code point. */
export function isGoPrintable(cp: number): boolean {
  return PRINTABLE.test(String.fromCodePoint(cp));
}
