/**
 * The Rego value model shared by the evaluator and every builtin.
 *
 * Scalars are plain JS values so the hot path allocates nothing: `null`, `boolean`, `string`, and
 * numbers as `number` (any float, and integers within ±2^53) or `bigint` (integers beyond that, so
 * nanosecond timestamps and 64-bit values stay exact as they do in OPA). The rare number outside
 * the double range (`2e308`, `1e-400`) is an `RDecimal` that keeps OPA's text (`decimal.ts`).
 * Arrays are plain JS arrays. Objects and sets may hold composite keys/members, so they are
 * classes keyed by `keyOf`.
 */
import { createHash } from 'node:crypto';
import { compareDecimals, intKey, RDecimal, toDecimal } from './decimal.js';

export { RDecimal } from './decimal.js';

export type RNumber = number | bigint | RDecimal;
export type Value = null | boolean | RNumber | string | Value[] | RObject | RSet;

/**
 * V8 hashes a string longer than this by its length alone, so a Map of many equally long keys
 * degrades to comparing every key with every other (3000 keys of 17000 chars: 32 s).
 */
const MAX_HASHED_KEY = 16383;

/** A long key as its SHA-256 (collision-free in practice), so the Map can hash it. */
const longKey = (k: string): string => `\u0000#${createHash('sha256').update(k).digest('base64')}`;

/** Canonical map key of a value: the string itself for strings (the common case), else a tagged text. */
export function keyOf(v: Value): string {
  const k = typeof v === 'string' ? (v.charCodeAt(0) === 0 ? `\u0000s${v}` : v) : `\u0000${canonical(v)}`;
  return k.length > MAX_HASHED_KEY ? longKey(k) : k;
}

/** Canonical text of a value: equal values (1 and 1.0 included) give equal text. */
export function canonical(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isInteger(v) ? BigInt(v).toString() : String(v);
    case 'bigint':
      return intKey(v);
  }
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v instanceof RDecimal) return v.canonical();
  if (v instanceof RSet) return `set(${v.sorted().map(canonical).join(',')})`;
  const entries = v.sortedEntries();
  return `{${entries.map(([k, x]) => `${canonical(k)}:${canonical(x)}`).join(',')}}`;
}

export class RObject {
  /** key → [key value, value]; insertion-ordered. */
  readonly map = new Map<string, [Value, Value]>();

  static from(entries: Iterable<[Value, Value]>): RObject {
    const o = new RObject();
    for (const [k, v] of entries) o.set(k, v);
    return o;
  }

  get size(): number {
    return this.map.size;
  }
  get(k: Value): Value | undefined {
    return this.map.get(keyOf(k))?.[1];
  }
  has(k: Value): boolean {
    return this.map.has(keyOf(k));
  }
  set(k: Value, v: Value): this {
    this.map.set(keyOf(k), [k, v]);
    return this;
  }
  delete(k: Value): boolean {
    return this.map.delete(keyOf(k));
  }
  *keys(): IterableIterator<Value> {
    for (const [k] of this.map.values()) yield k;
  }
  *values(): IterableIterator<Value> {
    for (const [, v] of this.map.values()) yield v;
  }
  entries(): IterableIterator<[Value, Value]> {
    return this.map.values();
  }
  /** Entries in OPA's key order (what `json.marshal`, printing and comparison use). */
  sortedEntries(): [Value, Value][] {
    return [...this.map.values()].sort((a, b) => compare(a[0], b[0]));
  }
  clone(): RObject {
    const o = new RObject();
    for (const [key, pair] of this.map) o.map.set(key, pair);
    return o;
  }
}

export class RSet {
  readonly map = new Map<string, Value>();

  static from(values: Iterable<Value>): RSet {
    const s = new RSet();
    for (const v of values) s.add(v);
    return s;
  }

  get size(): number {
    return this.map.size;
  }
  has(v: Value): boolean {
    return this.map.has(keyOf(v));
  }
  add(v: Value): this {
    const k = keyOf(v);
    if (!this.map.has(k)) this.map.set(k, v);
    return this;
  }
  delete(v: Value): boolean {
    return this.map.delete(keyOf(v));
  }
  values(): IterableIterator<Value> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<Value> {
    return this.map.values();
  }
  /** Members in OPA's canonical order (how OPA iterates and serializes sets). */
  sorted(): Value[] {
    return [...this.map.values()].sort(compare);
  }
  clone(): RSet {
    const s = new RSet();
    for (const [k, v] of this.map) s.map.set(k, v);
    return s;
  }
}

export type TypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';

export function typeName(v: Value): TypeName {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
  }
  if (Array.isArray(v)) return 'array';
  return v instanceof RObject ? 'object' : v instanceof RSet ? 'set' : 'number';
}

export const isNumber = (v: Value): v is RNumber =>
  typeof v === 'number' || typeof v === 'bigint' || v instanceof RDecimal;
export const isObject = (v: Value): v is RObject => v instanceof RObject;
export const isSet = (v: Value): v is RSet => v instanceof RSet;
export const isArray = (v: Value): v is Value[] => Array.isArray(v);

const TYPE_ORDER: Record<TypeName, number> = {
  null: 0,
  boolean: 1,
  number: 2,
  string: 3,
  array: 4,
  object: 5,
  set: 6,
};

/** Compares two numbers exactly, whether `number`, `bigint` or `RDecimal`. */
export function compareNumbers(a: RNumber, b: RNumber): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'object' || typeof b === 'object') return compareWithDecimal(a, b);
  // Mixed or bigint: bigint/number comparison is exact in JS for finite numbers.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Exact order when an RDecimal is involved. */
function compareWithDecimal(a: RNumber, b: RNumber): number {
  // ±Infinity only enters through JS data (JSON.parse of an overflowing literal) and lies beyond any RDecimal.
  if (typeof a === 'number' && !Number.isFinite(a)) return Number.isNaN(a) ? 0 : a > 0 ? 1 : -1;
  if (typeof b === 'number' && !Number.isFinite(b)) return Number.isNaN(b) ? 0 : b > 0 ? -1 : 1;
  return compareDecimals(toDecimal(a), toDecimal(b));
}

function compareStrings(a: string, b: string): number {
  // OPA compares Go strings byte-wise (UTF-8); code-point order matches byte order, UTF-16 order
  // does not for astral characters, so fall back to code points only when surrogates are present.
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if ((x >= 0xd800 && x <= 0xdfff) || (y >= 0xd800 && y <= 0xdfff)) {
        const cx = a.codePointAt(i)!;
        const cy = b.codePointAt(i)!;
        return cx < cy ? -1 : cx > cy ? 1 : 0;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** OPA's total order: null < booleans < numbers < strings < arrays < objects < sets. */
export function compare(a: Value, b: Value): number {
  const ta = typeName(a);
  const tb = typeName(b);
  if (ta !== tb) return TYPE_ORDER[ta] - TYPE_ORDER[tb];
  switch (ta) {
    case 'null':
      return 0;
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'number':
      return compareNumbers(a as RNumber, b as RNumber);
    case 'string':
      return compareStrings(a as string, b as string);
    case 'array': {
      const x = a as Value[];
      const y = b as Value[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    case 'object': {
      const x = (a as RObject).sortedEntries();
      const y = (b as RObject).sortedEntries();
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const ck = compare(x[i]![0], y[i]![0]);
        if (ck !== 0) return ck;
        const cv = compare(x[i]![1], y[i]![1]);
        if (cv !== 0) return cv;
      }
      return x.length - y.length;
    }
    default: {
      const x = (a as RSet).sorted();
      const y = (b as RSet).sorted();
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
  }
}

/** Structural equality (numbers by value, so `1 == 1.0`). */
export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  const ta = typeName(a);
  if (ta !== typeName(b)) return false;
  switch (ta) {
    case 'number':
      return compareNumbers(a as RNumber, b as RNumber) === 0;
    case 'array': {
      const x = a as Value[];
      const y = b as Value[];
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (!equal(x[i]!, y[i]!)) return false;
      return true;
    }
    case 'object': {
      const x = a as RObject;
      const y = b as RObject;
      if (x.size !== y.size) return false;
      for (const [k, [, v]] of x.map) {
        const other = y.map.get(k);
        if (!other || !equal(v, other[1])) return false;
      }
      return true;
    }
    case 'set': {
      const x = a as RSet;
      const y = b as RSet;
      if (x.size !== y.size) return false;
      for (const k of x.map.keys()) if (!y.map.has(k)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** Normalizes a number: integral bigints inside the safe range become `number`. */
export function normNumber(n: RNumber): RNumber {
  if (typeof n === 'bigint' && n >= -9007199254740991n && n <= 9007199254740991n) return Number(n);
  return n;
}

/** Converts plain JSON-ish JS data (e.g. from JSON.parse or YAML with bigints) into a Value. */
export function fromJS(x: unknown): Value {
  if (x === null || x === undefined) return null;
  switch (typeof x) {
    case 'boolean':
    case 'string':
      return x;
    case 'number':
      return x;
    case 'bigint':
      return normNumber(x);
  }
  if (Array.isArray(x)) return x.map(fromJS);
  if (x instanceof RObject || x instanceof RSet || x instanceof RDecimal) return x;
  if (x instanceof Set) return RSet.from([...x].map(fromJS));
  if (x instanceof Map) return RObject.from([...x].map(([k, v]) => [fromJS(k), fromJS(v)]));
  const o = new RObject();
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) o.set(k, fromJS(v));
  return o;
}

/**
 * Converts a Value to plain JS data as OPA serializes results: sets become arrays in canonical
 * order and non-string object keys become their JSON text. Big integers stay `bigint`, and numbers
 * outside the double range stay `RDecimal` (`toJSONText` prints both exactly).
 */
export function toJS(v: Value): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toJS);
  if (v instanceof RSet) return v.sorted().map(toJS);
  if (v instanceof RDecimal) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of v.entries()) out[typeof k === 'string' ? k : toJSONText(k)] = toJS(x);
  return out;
}

/** JSON text of a value the way OPA prints it (sorted object keys, sets as sorted arrays). */
export function toJSONText(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return formatNumber(v);
    case 'bigint':
      return v.toString();
  }
  if (Array.isArray(v)) return `[${v.map(toJSONText).join(',')}]`;
  if (v instanceof RDecimal) return v.jsonText();
  if (v instanceof RSet) return `[${v.sorted().map(toJSONText).join(',')}]`;
  const parts = v
    .sortedEntries()
    .map(([k, x]) => `${JSON.stringify(typeof k === 'string' ? k : toJSONText(k))}:${toJSONText(x)}`);
  return `{${parts.join(',')}}`;
}

/** Number text as OPA/Go prints it: integers without exponent, floats in shortest form, RDecimal as kept. */
export function formatNumber(n: RNumber): string {
  if (typeof n === 'bigint') return n.toString();
  if (typeof n === 'object') return n.text;
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  return String(n);
}
