/**
 * JSON text the way OPA produces and reads it (Go's encoding/json): sorted keys, `<>&` escaped,
 * exact numbers both ways, Go's indentation, and Go's decoder error messages.
 */

import { formatNumber, RDecimal, RObject, RSet, type Value } from '../../value.js';
import { builtinError } from '../types.js';
import { fromBin, goQuote, parseDecimal, toBin } from './util.js';

const HTML_UNSAFE = /[<>&\u2028\u2029]|\\u[dD][89a-fA-F][0-9a-fA-F]{2}/g;

/** A JSON string literal as Go's json.Marshal writes it. */
export function goJSONString(s: string): string {
  return JSON.stringify(s).replace(HTML_UNSAFE, (m) => {
    if (m.length > 1) return '\\ufffd'; // lone surrogate: Go would have replaced the bad bytes
    return `\\u${m.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The string an object key becomes when OPA converts a value to JSON: non-strings as their JSON text. */
export function goKeyText(k: Value): string {
  return typeof k === 'string' ? k : goMarshal(k);
}

/** Object entries keyed by their JSON-map string, sorted as Go sorts map keys. */
function stringKeyedEntries(o: RObject): [string, Value][] {
  const m = new Map<string, Value>();
  for (const [k, v] of o.entries()) m.set(goKeyText(k), v);
  return [...m.entries()].sort((a, b) => compareCodePoints(a[0], b[0]));
}

function scalarText(v: Value): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v))
        throw builtinError(`json: unsupported value: ${v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN'}`);
      return formatNumber(v);
    case 'bigint':
      return v.toString();
    case 'string':
      return goJSONString(v);
  }
  return undefined;
}

/** Go writes a json.Number as its text, after checking that it is a JSON number. */
function decimalText(v: RDecimal): string {
  if (v.jsonText() !== v.text) throw builtinError(`json: invalid number literal ${JSON.stringify(v.text)}`);
  return v.text;
}

/**
 * Marshals like Go's `json.Marshal` (or `json.MarshalIndent(v, prefix, indent)` when `indent` is
 * given; like Go, the first line carries no prefix).
 */
export function goMarshal(v: Value, pretty?: { prefix: string; indent: string }): string {
  const out: string[] = [];
  const nl = (depth: number) => {
    if (pretty) out.push(`\n${pretty.prefix}${pretty.indent.repeat(depth)}`);
  };
  const write = (x: Value, depth: number): void => {
    const s = scalarText(x);
    if (s !== undefined) {
      out.push(s);
      return;
    }
    if (Array.isArray(x) || x instanceof RSet) {
      const items = Array.isArray(x) ? x : x.sorted();
      if (items.length === 0) {
        out.push('[]');
        return;
      }
      out.push('[');
      items.forEach((item, i) => {
        if (i > 0) out.push(',');
        nl(depth + 1);
        write(item, depth + 1);
      });
      nl(depth);
      out.push(']');
      return;
    }
    if (x instanceof RDecimal) {
      out.push(decimalText(x));
      return;
    }
    const entries = stringKeyedEntries(x as RObject);
    if (entries.length === 0) {
      out.push('{}');
      return;
    }
    out.push('{');
    entries.forEach(([k, item], i) => {
      if (i > 0) out.push(',');
      nl(depth + 1);
      out.push(goJSONString(k), pretty ? ': ' : ':');
      write(item, depth + 1);
    });
    nl(depth);
    out.push('}');
  };
  write(v, 0);
  return out.join('');
}

class JSONSyntaxError extends Error {}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  return `'${goQuote(c).slice(1, -1)}'`;
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string) => /^[0-9a-fA-F]$/.test(c);
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Recursive-descent reader over a binary (UTF-8 byte) string, with Go's error wording. */
class Reader {
  i = 0;
  /** @param build false to only check syntax (no number values, so no "number too big"). */
  constructor(
    readonly s: string,
    private readonly build = true,
  ) {}

  private fail(c: string, context: string): never {
    throw new JSONSyntaxError(`invalid character ${quoteChar(c)} ${context}`);
  }
  private eof(): never {
    throw new JSONSyntaxError('unexpected EOF');
  }
  private next(): string {
    const c = this.s[this.i];
    if (c === undefined) this.eof();
    return c;
  }
  skipSpace(): void {
    while (isSpace(this.s[this.i])) this.i++;
  }

  value(): Value {
    this.skipSpace();
    const c = this.next();
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || isDigit(c)) return this.number();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    return this.fail(c, 'looking for beginning of value');
  }

  private object(): RObject {
    const o = new RObject();
    this.i++;
    this.skipSpace();
    if (this.next() === '}') {
      this.i++;
      return o;
    }
    for (;;) {
      const c = this.next();
      if (c !== '"') this.fail(c, 'looking for beginning of object key string');
      const key = this.string();
      this.skipSpace();
      const colon = this.next();
      if (colon !== ':') this.fail(colon, 'after object key');
      this.i++;
      o.set(key, this.value());
      this.skipSpace();
      const sep = this.next();
      this.i++;
      if (sep === '}') return o;
      if (sep !== ',') this.fail(sep, 'after object key:value pair');
      this.skipSpace();
    }
  }

  private array(): Value[] {
    const a: Value[] = [];
    this.i++;
    this.skipSpace();
    if (this.next() === ']') {
      this.i++;
      return a;
    }
    for (;;) {
      a.push(this.value());
      this.skipSpace();
      const sep = this.next();
      this.i++;
      if (sep === ']') return a;
      if (sep !== ',') this.fail(sep, 'after array element');
    }
  }

  private string(): string {
    this.i++;
    let out = '';
    for (;;) {
      const c = this.next();
      this.i++;
      if (c === '"') return fromBin(out);
      if (c === '\\') {
        const e = this.next();
        this.i++;
        if (e === 'u') out += toBin(this.unicodeEscape());
        else if (ESCAPES[e] !== undefined) out += ESCAPES[e];
        else this.fail(e, 'in string escape code');
      } else if (c.charCodeAt(0) < 0x20) {
        this.fail(c, 'in string literal');
      } else out += c;
    }
  }

  private hex4(): number {
    let h = '';
    for (let k = 0; k < 4; k++) {
      const c = this.next();
      if (!isHex(c)) this.fail(c, 'in \\u hexadecimal character escape');
      h += c;
      this.i++;
    }
    return Number.parseInt(h, 16);
  }

  private unicodeEscape(): string {
    const u = this.hex4();
    if (u >= 0xd800 && u < 0xdc00 && this.s.startsWith('\\u', this.i)) {
      const save = this.i;
      this.i += 2;
      const lo = this.hex4();
      if (lo >= 0xdc00 && lo < 0xe000)
        return String.fromCodePoint(0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
      this.i = save;
    }
    return u >= 0xd800 && u < 0xe000 ? '\ufffd' : String.fromCharCode(u);
  }

  private number(): Value {
    const start = this.i;
    if (this.s[this.i] === '-') {
      this.i++;
      const c = this.next();
      if (!isDigit(c)) this.fail(c, 'in numeric literal');
    }
    if (this.s[this.i] === '0') this.i++;
    else while (isDigit(this.s[this.i])) this.i++;
    if (this.s[this.i] === '.') {
      this.i++;
      const c = this.next();
      if (!isDigit(c)) this.fail(c, 'after decimal point in numeric literal');
      while (isDigit(this.s[this.i])) this.i++;
    }
    if (this.s[this.i] === 'e' || this.s[this.i] === 'E') {
      this.i++;
      if (this.s[this.i] === '+' || this.s[this.i] === '-') this.i++;
      const c = this.next();
      if (!isDigit(c)) this.fail(c, 'in exponent of numeric literal');
      while (isDigit(this.s[this.i])) this.i++;
    }
    return this.build ? parseDecimal(this.s.slice(start, this.i)) : 0;
  }

  private literal(word: string, v: Value): Value {
    for (let k = 0; k < word.length; k++) {
      const c = this.next();
      if (c !== word[k]) this.fail(c, `in literal ${word} (expecting ${quoteChar(word[k]!)})`);
      this.i++;
    }
    return v;
  }
}

/** OPA's `util.UnmarshalJSON`: one value, then only whitespace; Go's messages on failure. */
export function goUnmarshal(text: string): Value {
  const r = new Reader(toBin(text));
  try {
    r.skipSpace();
    if (r.i >= r.s.length) throw new JSONSyntaxError('EOF');
    const v = r.value();
    r.skipSpace();
    const c = r.s[r.i];
    if (c === undefined) return v;
    if (c === '{' || c === '[') throw new JSONSyntaxError('error(s) occurred while decoding JSON');
    if (c === ']' || c === '}' || c === ',' || c === ':') {
      throw new JSONSyntaxError(`invalid character ${quoteChar(c)} looking for beginning of value`);
    }
    r.value();
    throw new JSONSyntaxError('error(s) occurred while decoding JSON');
  } catch (e) {
    if (e instanceof JSONSyntaxError) throw builtinError(e.message);
    throw e;
  }
}

/** Go's `json.Valid`. */
export function goJSONValid(text: string): boolean {
  const r = new Reader(toBin(text), false);
  try {
    r.value();
    r.skipSpace();
    return r.i >= r.s.length;
  } catch (e) {
    if (e instanceof JSONSyntaxError) return false;
    throw e;
  }
}
