/**
 * Go's fmt verbs for the four argument types OPA's sprintf passes (int64, *big.Int, float64,
 * string), with flags, width and precision, and Go's `%!verb(type=value)` for a mismatch.
 */
import { formatFloat } from './go-float.js';
import { goQuote } from './rego-text.js';

export type GoArg =
  | { t: 'int64'; v: bigint }
  | { t: '*big.Int'; v: bigint }
  | { t: 'float64'; v: number }
  | { t: 'string'; v: string };

export interface GoFlags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

export const newFlags = (): GoFlags => ({
  plus: false,
  minus: false,
  sharp: false,
  space: false,
  zero: false,
  plusV: false,
  sharpV: false,
  wid: 0,
  widPresent: false,
  prec: 0,
  precPresent: false,
});

const runeLen = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

function padding(f: GoFlags, n: number): string {
  return (f.zero && !f.minus ? '0' : ' ').repeat(Math.max(n, 0));
}

/** Pads to the width in runes, left unless the minus flag is set. */
function pad(f: GoFlags, s: string): string {
  if (!f.widPresent || f.wid === 0) return s;
  const n = f.wid - runeLen(s);
  if (n <= 0) return s;
  return f.minus ? s + padding(f, n) : padding(f, n) + s;
}

function padNoZero(f: GoFlags, s: string): string {
  const z = f.zero;
  f.zero = false;
  const out = pad(f, s);
  f.zero = z;
  return out;
}

function fmtInteger(f: GoFlags, v: bigint, base: number, verb: string): string {
  const negative = v < 0n;
  let digits = (negative ? -v : v).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  let prec = 0;
  if (f.precPresent) {
    prec = f.prec;
    if (prec === 0 && v === 0n) return padNoZero(f, '');
  } else if (f.zero && !f.minus && f.widPresent) {
    prec = f.wid;
    if (negative || f.plus || f.space) prec--;
  }
  if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
  if (f.sharp) {
    if (base === 2) digits = `0b${digits}`;
    else if (base === 8 && digits[0] !== '0') digits = `0${digits}`;
    else if (base === 16) digits = `0${verb === 'X' ? 'X' : 'x'}${digits}`;
  }
  if (verb === 'O') digits = `0o${digits}`;
  const sign = negative ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return padNoZero(f, sign + digits);
}

const MAX_RUNE = 0x10ffff;

function runeOf(v: bigint): number {
  if (v < 0n || v > BigInt(MAX_RUNE)) return 0xfffd;
  const r = Number(v);
  return r >= 0xd800 && r <= 0xdfff ? 0xfffd : r;
}

function quoteRune(r: number, asciiOnly: boolean): string {
  const c = String.fromCodePoint(r);
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const q = goQuote(c, asciiOnly);
  return `'${q.slice(1, -1)}'`;
}

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;

function fmtUnicode(f: GoFlags, v: bigint): string {
  const u = v < 0n ? v + 2n ** 64n : v;
  let hex = u.toString(16).toUpperCase();
  const prec = f.precPresent && f.prec > 4 ? f.prec : 4;
  if (hex.length < prec) hex = '0'.repeat(prec - hex.length) + hex;
  let out = `U+${hex}`;
  if (f.sharp && u <= BigInt(MAX_RUNE) && PRINTABLE.test(String.fromCodePoint(Number(u))))
    out += ` '${String.fromCodePoint(Number(u))}'`;
  return padNoZero(f, out);
}

function intVerb(f: GoFlags, v: bigint, verb: string): string | undefined {
  switch (verb) {
    case 'v':
    case 'd':
      return fmtInteger(f, v, 10, verb);
    case 'b':
      return fmtInteger(f, v, 2, verb);
    case 'o':
    case 'O':
      return fmtInteger(f, v, 8, verb);
    case 'x':
    case 'X':
      return fmtInteger(f, v, 16, verb);
    case 'c':
      return pad(f, String.fromCodePoint(runeOf(v)));
    case 'q':
      return pad(f, quoteRune(runeOf(v), f.plus));
    case 'U':
      return fmtUnicode(f, v);
  }
  return undefined;
}

/** *big.Int's own Format method (it handles %s and %v as decimal). */
function bigVerb(f: GoFlags, v: bigint, verb: string): string {
  const base = { b: 2, o: 8, O: 8, d: 10, s: 10, v: 10, x: 16, X: 16 }[verb];
  if (base === undefined) return `%!${verb}(big.Int=${v})`;
  const sign = v < 0n ? '-' : f.plus || f.plusV ? '+' : f.space ? ' ' : '';
  let prefix = '';
  if (f.sharp || f.sharpV) prefix = { b: '0b', o: '0', x: '0x', X: '0X' }[verb as 'b'] ?? '';
  if (verb === 'O') prefix = '0o';
  let digits = (v < 0n ? -v : v).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  let zeros = 0;
  if (f.precPresent) {
    if (digits.length < f.prec) zeros = f.prec - digits.length;
    else if (digits === '0' && f.prec === 0) return '';
  }
  const length = sign.length + prefix.length + zeros + digits.length;
  let left = 0;
  let right = 0;
  if (f.widPresent && length < f.wid) {
    const d = f.wid - length;
    if (f.minus) right = d;
    else if (f.zero && !f.precPresent) zeros = d;
    else left = d;
  }
  return `${' '.repeat(left)}${sign}${prefix}${'0'.repeat(zeros)}${digits}${' '.repeat(right)}`;
}

function floatVerb(f: GoFlags, x: number, verb: string): string | undefined {
  let prec: number;
  let v = verb;
  if (verb === 'v') {
    v = 'g';
    prec = -1;
  } else if ('bgGxX'.includes(verb)) prec = -1;
  else if ('feEF'.includes(verb)) prec = 6;
  else return undefined;
  if (f.precPresent) prec = f.prec;
  let num = formatFloat(x, v === 'F' ? 'f' : v, prec);
  if (num[0] !== '-' && num[0] !== '+') num = `+${num}`;
  if (f.space && num[0] === '+' && !f.plus) num = ` ${num.slice(1)}`;
  if (f.plus || num[0] !== '+') {
    if (f.zero && !f.minus && f.widPresent && f.wid > num.length)
      return num[0] + '0'.repeat(f.wid - num.length) + num.slice(1);
    return pad(f, num);
  }
  return pad(f, num.slice(1));
}

const utf8 = new TextEncoder();

function fmtSx(f: GoFlags, s: string, upper: boolean): string {
  let bytes = utf8.encode(s);
  if (f.precPresent && f.prec < bytes.length) bytes = bytes.slice(0, f.prec);
  if (bytes.length === 0) return f.widPresent ? padding(f, f.wid) : '';
  const x = upper ? 'X' : 'x';
  let out = f.sharp ? `0${x}` : '';
  bytes.forEach((b, i) => {
    if (f.space && i > 0) out += f.sharp ? ` 0${x}` : ' ';
    const h = b.toString(16).padStart(2, '0');
    out += upper ? h.toUpperCase() : h;
  });
  if (!f.widPresent || f.wid <= out.length) return out;
  const fill = padding(f, f.wid - out.length);
  return f.minus ? out + fill : fill + out;
}

function truncate(f: GoFlags, s: string): string {
  if (!f.precPresent) return s;
  const cs = Array.from(s);
  return cs.length > f.prec ? cs.slice(0, f.prec).join('') : s;
}

/** strconv.CanBackquote: no control characters but tab, no backquote, no BOM. */
function canBackquote(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 9) || c === 0x7f || c === 0x60 || c === 0xfeff) return false;
  }
  return true;
}

function stringVerb(f: GoFlags, s: string, verb: string): string | undefined {
  switch (verb) {
    case 'v':
      if (f.sharpV) return stringVerb(f, s, 'q');
      return pad(f, truncate(f, s));
    case 's':
      return pad(f, truncate(f, s));
    case 'x':
    case 'X':
      return fmtSx(f, s, verb === 'X');
    case 'q': {
      const t = truncate(f, s);
      if (f.sharp && canBackquote(t)) return pad(f, `\`${t}\``);
      return pad(f, goQuote(t, f.plus));
    }
  }
  return undefined;
}

/** Formats one argument for one verb (Go's printArg), including `%!x(type=value)` for a mismatch. */
export function printArg(f: GoFlags, arg: GoArg, verb: string): string {
  if (verb === 'T') return pad(f, truncate(f, arg.t));
  let out: string | undefined;
  switch (arg.t) {
    case 'int64':
      out = intVerb(f, arg.v, verb);
      break;
    case '*big.Int':
      return bigVerb(f, arg.v, verb);
    case 'float64':
      out = floatVerb(f, arg.v, verb);
      break;
    case 'string':
      out = stringVerb(f, arg.v, verb);
      break;
  }
  if (out !== undefined) return out;
  return `%!${verb}(${arg.t}=${printArg(f, arg, 'v')})`;
}
