/**
 * `sprintf(format, values)` with Go's fmt.Sprintf: OPA passes integers as int64 (or *big.Int
 * beyond int64), other numbers as float64, strings as strings and every other value as its Rego
 * text, so `%d` of a string or `%s` of an integer prints Go's `%!d(string=...)` markers.
 */
import { RDecimal, type Value } from '../../value.js';
import { type BuiltinDef, expectType } from '../types.js';
import { type GoArg, type GoFlags, newFlags, printArg } from './go-fmt-verbs.js';
import { regoText } from './rego-text.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The Go value OPA's sprintf hands to fmt for a Rego value. */
export function goArg(v: Value): GoArg {
  if (typeof v === 'string') return { t: 'string', v };
  if (typeof v === 'bigint')
    return v >= INT64_MIN && v <= INT64_MAX ? { t: 'int64', v } : { t: '*big.Int', v };
  // Integral doubles beyond 2^53 can only come from exponent text (1e21), which OPA formats as a float.
  if (typeof v === 'number')
    return Number.isSafeInteger(v) ? { t: 'int64', v: BigInt(v) } : { t: 'float64', v };
  // Float text Go's ParseFloat rejects (overflow) goes in as the text itself; an underflow is ±0.
  if (v instanceof RDecimal)
    return v.huge ? { t: 'string', v: v.text } : { t: 'float64', v: v.m < 0n ? -0 : 0 };
  return { t: 'string', v: regoText(v) };
}

const MAX_NUM = 1e6;

/** Go's parsenum: digits at i, or not a number; values past 1e6 are rejected as Go does. */
function parseNum(s: string, i: number, end: number): [number, boolean, number] {
  let n = 0;
  let found = false;
  for (; i < end && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++) {
    if (n > MAX_NUM) return [0, false, end];
    n = n * 10 + s.charCodeAt(i) - 48;
    found = true;
  }
  return [n, found, i];
}

/** Go's fmt.Sprintf over already converted arguments. */
export function goSprintf(format: string, args: GoArg[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  const end = format.length;
  let i = 0;

  // Reads an explicit argument index `[n]` at i.
  const argNumber = (f: { good: boolean }, i0: number): [number, number, boolean] => {
    if (i0 >= end || format[i0] !== '[') return [argNum, i0, false];
    reordered = true;
    const close = format.indexOf(']', i0 + 1);
    if (i0 + 3 > end || close < 0) {
      f.good = false;
      return [argNum, i0 + 1, false];
    }
    const [n, ok, ni] = parseNum(format, i0 + 1, close);
    if (!ok || ni !== close) {
      f.good = false;
      return [argNum, close + 1, false];
    }
    if (n - 1 >= 0 && n - 1 < args.length) return [n - 1, close + 1, true];
    f.good = false;
    return [argNum, close + 1, true];
  };

  const intFromArg = (): [number, boolean] => {
    if (argNum >= args.length) return [0, false];
    const a = args[argNum++]!;
    if (a.t !== 'int64' || a.v > BigInt(MAX_NUM) || a.v < -BigInt(MAX_NUM)) return [0, false];
    return [Number(a.v), true];
  };

  while (i < end) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: GoFlags = newFlags();
    const state = { good: true };
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = !f.minus;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          f.zero = false;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    let afterIndex: boolean;
    [argNum, i, afterIndex] = argNumber(state, i);
    if (i < end && format[i] === '*') {
      i++;
      [f.wid, f.widPresent] = intFromArg();
      if (!f.widPresent) out += '%!(BADWIDTH)';
      if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
      afterIndex = false;
    } else {
      [f.wid, f.widPresent, i] = parseNum(format, i, end);
      if (afterIndex && f.widPresent) state.good = false;
    }
    if (i + 1 <= end && format[i] === '.') {
      i++;
      if (afterIndex) state.good = false;
      [argNum, i, afterIndex] = argNumber(state, i);
      if (i < end && format[i] === '*') {
        i++;
        [f.prec, f.precPresent] = intFromArg();
        if (f.prec < 0) {
          f.prec = 0;
          f.precPresent = false;
        }
        if (!f.precPresent) out += '%!(BADPREC)';
        afterIndex = false;
      } else {
        [f.prec, f.precPresent, i] = parseNum(format, i, end);
        if (!f.precPresent) {
          f.prec = 0;
          f.precPresent = true;
        }
      }
    }
    if (!afterIndex) [argNum, i, afterIndex] = argNumber(state, i);
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') out += '%';
    else if (!state.good) out += `%!${verb}(BADINDEX)`;
    else if (argNum >= args.length) out += `%!${verb}(MISSING)`;
    else {
      if (verb === 'v') {
        f.sharpV = f.sharp;
        f.sharp = false;
        f.plusV = f.plus;
        f.plus = false;
      }
      out += printArg(f, args[argNum]!, verb);
      argNum++;
    }
  }
  if (!reordered && argNum < args.length) {
    const extra = args.slice(argNum).map((a) => `${a.t}=${printArg(newFlags(), a, 'v')}`);
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}

const SIMPLE_VERB = /%(.?)/g;

/**
 * The common case without the general machinery: only `%s`, `%d`, `%v` and `%%`, no flags, each
 * verb given a string (`%s`, `%v`) or a safe integer (`%d`, `%v`), no argument left over.
 * Undefined whenever the general formatter is needed.
 */
function simpleSprintf(format: string, values: Value[]): string | undefined {
  let i = 0;
  let ok = true;
  const out = format.replace(SIMPLE_VERB, (_, verb: string) => {
    if (verb === '%') return '%';
    const v = values[i++];
    if (verb === 's' || verb === 'v') {
      if (typeof v === 'string') return v;
      if (verb === 'v' && typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    } else if (verb === 'd' && typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    ok = false;
    return '';
  });
  return ok && i === values.length ? out : undefined;
}

export const sprintfBuiltin: BuiltinDef = {
  name: 'sprintf',
  arity: 2,
  impl: ([a, b]) => {
    const format = expectType<string>(a!, 1, 'string');
    const values = expectType<Value[]>(b!, 2, 'array');
    return simpleSprintf(format, values) ?? goSprintf(format, values.map(goArg));
  },
};
