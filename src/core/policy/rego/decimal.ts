/**
 * Numbers a double cannot hold.
 *
 * OPA keeps every number as its decimal text (Go's `json.Number`) and computes on big.Int and
 * big.Float. jitsudo keeps `number` (and `bigint` for integers beyond 2^53) so the hot path
 * allocates nothing, and falls back to an `RDecimal` only for a value outside the double range:
 * text such as `2e308` that a double would turn into ±Infinity, or `1e-400` that it would turn
 * into 0. An RDecimal carries the text OPA prints (sprintf, json.marshal, results) and its exact
 * value m × 10^e, so comparison, equality and set/object keys stay exact. See ADR 0001.
 */
import type { RNumber } from './value.js';

/** An exact decimal m × 10^e. Normalized: m has no trailing zeros, and zero is {0n, 0}. */
export interface Decimal {
  m: bigint;
  e: number;
}

/**
 * OPA's parser rejects literals whose binary exponent passes ±1e5 ("number too big"), which keeps
 * big-number work bounded; 2^100000 ≈ 10^30103. Every RDecimal is held to the same bound.
 */
export const MAX_DECIMAL_EXP = 30103;

/** 2^1024: above every double, so only bigints and RDecimals reach it. */
const HEX_KEY_FROM = 1n << 1024n;

/**
 * Canonical key text of an integer: decimal digits, or for |b| ≥ 2^1024 (never a double) tagged
 * hex, which V8 prints in linear time where decimal printing of a 2^100000 integer takes ~3 ms
 * (a set of such keys could otherwise outrun the evaluation deadline).
 */
export function intKey(b: bigint): string {
  if (b < HEX_KEY_FROM && b > -HEX_KEY_FROM) return b.toString();
  return b < 0n ? `-x${(-b).toString(16)}` : `x${b.toString(16)}`;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** The exact, normalized value of decimal text (Go's ParseFloat syntax minus hex and inf); undefined if it is not one. */
export function decimalOfText(text: string): Decimal | undefined {
  const g = DECIMAL_TEXT.exec(text);
  if (!g) return undefined;
  const frac = g[3] ?? '';
  if (g[2] === '' && frac === '') return undefined;
  const all = `${g[2]}${frac}`.replace(/^0+/, '');
  const digits = all.replace(/0+$/, '');
  if (digits === '') return { m: 0n, e: 0 };
  const m = BigInt(digits);
  return { m: g[1] === '-' ? -m : m, e: Number(g[4] ?? '0') - frac.length + (all.length - digits.length) };
}

/** Exact decimal of a number; a double is taken at its shortest round-trip text (what was written). */
export function toDecimal(n: RNumber): Decimal {
  if (typeof n === 'bigint') return { m: n, e: 0 };
  if (typeof n === 'object') return n;
  if (Number.isSafeInteger(n)) return { m: BigInt(n), e: 0 };
  const text = String(n);
  const ePos = text.indexOf('e');
  let mant = ePos < 0 ? text : text.slice(0, ePos);
  let e = ePos < 0 ? 0 : Number(text.slice(ePos + 1));
  const dot = mant.indexOf('.');
  if (dot >= 0) {
    e -= mant.length - dot - 1;
    mant = mant.slice(0, dot) + mant.slice(dot + 1);
  }
  return { m: BigInt(mant), e };
}

const absText = (m: bigint) => (m < 0n ? -m : m).toString();

/** k with 10^(k-1) <= |v| < 10^k, for v ≠ 0. */
const orderOf = (d: Decimal) => absText(d.m).length + d.e;

/** Exact order of two decimals. */
export function compareDecimals(a: Decimal, b: Decimal): number {
  const sa = a.m < 0n ? -1 : a.m > 0n ? 1 : 0;
  const sb = b.m < 0n ? -1 : b.m > 0n ? 1 : 0;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const oa = orderOf(a);
  const ob = orderOf(b);
  if (oa !== ob) return oa < ob ? -sa : sa;
  // Same order of magnitude: the exponents differ by less than the digit counts, so aligning is cheap.
  const x = a.e > b.e ? a.m * 10n ** BigInt(a.e - b.e) : a.m;
  const y = b.e > a.e ? b.m * 10n ** BigInt(b.e - a.e) : b.m;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** True when the nearest double is neither ±Infinity nor (for a non-zero value) zero. */
function fitsDouble(d: Decimal): boolean {
  const x = Number(`${d.m}e${d.e}`);
  return Number.isFinite(x) && (x !== 0 || d.m === 0n);
}

/** Go's %e text of a normalized decimal (big.Float's Text('g', -1) for values outside the double range). */
function goExpText(d: Decimal): string {
  const digits = absText(d.m);
  const exp = digits.length - 1 + d.e;
  const abs = Math.abs(exp);
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${d.m < 0n ? '-' : ''}${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
}

/** A number outside the double range, kept exact with the text OPA would print for it. */
export class RDecimal implements Decimal {
  private digitsKey: string | undefined;
  /** k with 10^(k-1) <= |value| < 10^k. */
  private readonly order: number;

  private constructor(
    /** The text OPA keeps: the literal as written, or big.Float's text for a computed value. */
    readonly text: string,
    readonly m: bigint,
    readonly e: number,
  ) {
    this.order = orderOf(this);
  }

  /** The text as an RDecimal when its value is outside the double range; undefined otherwise (or if not decimal). */
  static fromText(text: string): RDecimal | undefined {
    const d = decimalOfText(text);
    return d === undefined || fitsDouble(d) ? undefined : new RDecimal(text, d.m, d.e);
  }

  /** A computed decimal (normalized, outside the double range), printed as OPA prints big.Float results. */
  static of(d: Decimal): RDecimal {
    return new RDecimal(goExpText(d), d.m, d.e);
  }

  /** True when d needs an RDecimal, i.e. a double would turn it into ±Infinity or 0. */
  static needed(d: Decimal): boolean {
    return !fitsDouble(d);
  }

  /** Integral: every value beyond the double range that has no fraction digits. */
  get integral(): boolean {
    return this.e >= 0;
  }

  /** Beyond ±Number.MAX_VALUE, as opposed to closer to zero than the smallest double. */
  get huge(): boolean {
    return this.order > 0;
  }

  /** Within OPA's bound on number size (2^±100000); callers reject the rest as "number too big". */
  get inBounds(): boolean {
    return this.order - 1 < MAX_DECIMAL_EXP && this.order > -MAX_DECIMAL_EXP;
  }

  negate(): RDecimal {
    const t = this.text;
    const text = t.startsWith('-') ? t.slice(1) : `-${t.startsWith('+') ? t.slice(1) : t}`;
    return new RDecimal(text, -this.m, this.e);
  }

  /** Equal numbers give equal keys: integral values as their digits (a bigint's key), others as `${m}e${e}`. */
  canonical(): string {
    if (!this.integral) return `${this.m}e${this.e}`;
    this.digitsKey ??= intKey(this.m * 10n ** BigInt(this.e));
    return this.digitsKey;
  }

  /** The text as a JSON number: as kept when it is valid JSON (`+1e-400` from to_number is not). */
  jsonText(): string {
    return JSON_NUMBER.test(this.text) ? this.text : goExpText(this);
  }
}
