/**
 * units.parse (exact rationals, as OPA's big.Rat: integers stay exact, fractions are rounded to 10
 * decimals) and units.parse_bytes (64-bit-mantissa floats truncated to an integer, as big.Float).
 */

import { normNumber, type RNumber } from '../../value.js';
import { type BuiltinDef, builtinError } from '../types.js';
import { stringArg } from './util.js';

/** A non-negative-denominator rational. */
type Rat = [num: bigint, den: bigint];

const MAX_EXPONENT_DIGITS = 6;

class ExponentTooLarge extends Error {}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** OPA's `extractNumAndUnit`: splits "10.5KiB" into "10.5" and "KiB", rejecting 7+ digit exponents. */
function extractNumAndUnit(s: string): [string, string] {
  let firstNonNum = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!isDigit(c) && c !== '.' && c !== 'e' && c !== 'E' && c !== '+' && c !== '-') {
      firstNonNum = i;
      break;
    }
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (i === s.length - 1 || (!isDigit(next) && next !== '+' && next !== '-')) {
        firstNonNum = i;
        break;
      }
      if (next === '+' || next === '-') i++;
      let end = i + 1;
      while (isDigit(s[end])) end++;
      if (end - (i + 1) > MAX_EXPONENT_DIGITS) throw new ExponentTooLarge();
    }
  }
  if (firstNonNum === -1) return [s, ''];
  if (firstNonNum === 0) return ['', s];
  return [s.slice(0, firstNonNum), s.slice(firstNonNum)];
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Exact value of a decimal literal (Go's big.Rat/big.Float SetString syntax), or undefined. */
function parseRat(s: string): Rat | undefined {
  const m = DECIMAL.exec(s);
  if (!m || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) return undefined;
  const frac = m[3] ?? '';
  let num = BigInt(`${m[2] ?? ''}${frac}` || '0');
  if (m[1] === '-') num = -num;
  const exp = Number(m[4] ?? '0') - frac.length;
  return exp >= 0 ? [num * 10n ** BigInt(exp), 1n] : [num, 10n ** BigInt(-exp)];
}

const bitLength = (n: bigint) => (n === 0n ? 0 : n.toString(2).length);

/** Rounds a rational to the nearest value with a `prec`-bit mantissa (ties to even), like big.Float. */
function roundToPrecision([p, q]: Rat, prec = 64): Rat {
  if (p === 0n) return [0n, 1n];
  const neg = p < 0n;
  const a = neg ? -p : p;
  let e = bitLength(a) - bitLength(q) - prec;
  const lo = 1n << BigInt(prec - 1);
  const hi = 1n << BigInt(prec);
  for (;;) {
    const n = e >= 0 ? a : a << BigInt(-e);
    const d = e >= 0 ? q << BigInt(e) : q;
    let m = n / d;
    if (m < lo) e--;
    else if (m >= hi) e++;
    else {
      const twice = 2n * (n - m * d);
      if (twice > d || (twice === d && (m & 1n) === 1n)) m++;
      const signed = neg ? -m : m;
      return e >= 0 ? [signed << BigInt(e), 1n] : [signed, 1n << BigInt(-e)];
    }
  }
}

/** The exact rational value of a double. */
function doubleToRat(x: number): Rat {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp !== 0) mant |= 1n << 52n;
  const shift = (exp === 0 ? 1 : exp) - 1075;
  const signed = bits >> 63n ? -mant : mant;
  return shift >= 0 ? [signed << BigInt(shift), 1n] : [signed, 1n << BigInt(-shift)];
}

/** Go's `Rat.FloatString(10)` parsed back as a number: half away from zero at 10 decimals. */
function ratToNumber([p, q]: Rat): RNumber {
  if (p % q === 0n) return normNumber(p / q);
  const neg = p < 0n;
  const a = neg ? -p : p;
  const scale = 10n ** 10n;
  let scaled = (a * scale) / q;
  if (2n * ((a * scale) % q) >= q) scaled++;
  const intPart = scaled / scale;
  const fracPart = (scaled % scale).toString().padStart(10, '0');
  return Number(`${neg ? '-' : ''}${intPart}.${fracPart}`);
}

const POW = (base: bigint, n: bigint) => base ** n;
const SI: Record<string, bigint> = {
  k: 1000n,
  m: POW(1000n, 2n),
  g: POW(1000n, 3n),
  t: POW(1000n, 4n),
  p: POW(1000n, 5n),
  e: POW(1000n, 6n),
};
const BINARY: Record<string, bigint> = {
  k: 1n << 10n,
  m: 1n << 20n,
  g: 1n << 30n,
  t: 1n << 40n,
  p: 1n << 50n,
  e: 1n << 60n,
};

function unitsFactor(unit: string): Rat | undefined {
  if (unit === '') return [1n, 1n];
  if (unit === 'm') return doubleToRat(0.001); // OPA uses big.Rat.SetFloat64(0.001): the binary value
  if (unit === 'M') return [SI.m!, 1n];
  if (unit.length === 1 && 'kKgGtTpPeE'.includes(unit)) return [SI[unit.toLowerCase()]!, 1n];
  if (unit.length === 2 && unit[1] === 'i' && 'kKmMgGtTpPeE'.includes(unit[0]!))
    return [BINARY[unit[0]!.toLowerCase()]!, 1n];
  return undefined;
}

function bytesFactor(unit: string): bigint | undefined {
  if (unit === '') return 1n;
  const m = /^([kmgtpe])(i?)(b?)$/.exec(unit);
  if (!m) return undefined;
  return m[2] === 'i' ? BINARY[m[1]!] : SI[m[1]!];
}

function unitsParse(raw: string): RNumber {
  const fail = (msg: string) => builtinError(msg);
  const s = raw.replaceAll('"', '');
  if (s.includes(' ')) throw fail('spaces not allowed in resource strings');
  let num: string;
  let unit: string;
  try {
    [num, unit] = extractNumAndUnit(s);
  } catch {
    throw fail('exponent too large');
  }
  if (num === '') throw fail('no amount provided');
  // Only the letters after the first are lower-cased, so "m" (milli) and "M" (mega) stay distinct.
  if (unit.length > 1) unit = unit[0]! + unit.slice(1).toLowerCase();
  const factor = unitsFactor(unit);
  if (!factor) throw fail(`unit ${unit} not recognized`);
  const value = parseRat(num);
  if (!value) throw fail('could not parse amount to a number');
  return ratToNumber([value[0] * factor[0], value[1] * factor[1]]);
}

function parseBytes(raw: string): RNumber {
  const s = raw.toLowerCase().replaceAll('"', '');
  if (s.includes(' ')) throw builtinError('spaces not allowed in resource strings');
  let num: string;
  let unit: string;
  try {
    [num, unit] = extractNumAndUnit(s);
  } catch {
    throw builtinError('exponent too large');
  }
  if (num === '') throw builtinError('no byte amount provided');
  const factor = bytesFactor(unit);
  if (factor === undefined) throw builtinError(`byte unit ${unit} not recognized`);
  const value = parseRat(num);
  if (!value) throw builtinError('could not parse byte amount to a number');
  const [p, q] = roundToPrecision([roundToPrecision(value)[0] * factor, roundToPrecision(value)[1]]);
  return normNumber(p / q); // BigInt division truncates toward zero, as big.Float.Int does
}

export const unitsBuiltins: BuiltinDef[] = [
  { name: 'units.parse', arity: 1, impl: ([s]) => unitsParse(stringArg(s!, 1)) },
  { name: 'units.parse_bytes', arity: 1, impl: ([s]) => parseBytes(stringArg(s!, 1)) },
];
