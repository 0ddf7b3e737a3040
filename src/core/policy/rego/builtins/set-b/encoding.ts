/**
 * base64, base64url, hex and urlquery builtins, byte-compatible with Go's encoders and decoders
 * (strings are encoded as UTF-8; decoded bytes that are not UTF-8 become U+FFFD).
 */

import { RObject, RSet, type Value } from '../../value.js';
import { type BuiltinDef, builtinError, operandTypeError } from '../types.js';
import { CorruptInputError, goBase64Decode, goBase64Encode } from './go-base64.js';
import { goKeyText } from './go-json.js';
import { encodeQuery, parseQuery, queryEscape, queryUnescape } from './go-url.js';
import { fromUtf8, isGoPrintable, operandError, stringArg, utf8 } from './util.js';

/** base64url.decode's leniency: missing padding is restored first (RFC 7515 appendix C). */
export function base64UrlDecode(s: string): Buffer {
  let t = s;
  if (!t.endsWith('=')) {
    switch (t.length % 4) {
      case 0:
        break;
      case 2:
        t += '==';
        break;
      case 3:
        t += '=';
        break;
      default:
        throw builtinError(`illegal base64url string: ${t}`);
    }
  }
  return decodeOrThrow(t, 'url');
}

function decodeOrThrow(s: string, alphabet: 'std' | 'url'): Buffer {
  try {
    return goBase64Decode(utf8(s), alphabet, true);
  } catch (e) {
    if (e instanceof CorruptInputError) throw builtinError(e.message);
    throw e;
  }
}

/** Go's `%#U` of a byte taken as a rune, as hex.DecodeString's InvalidByteError prints it. */
function hexInvalidByte(b: number): string {
  const code = `U+${b.toString(16).toUpperCase().padStart(4, '0')}`;
  return isGoPrintable(b)
    ? `encoding/hex: invalid byte: ${code} '${String.fromCharCode(b)}'`
    : `encoding/hex: invalid byte: ${code}`;
}

const HEX_VALUE = (b: number) =>
  b >= 0x30 && b <= 0x39
    ? b - 0x30
    : b >= 0x61 && b <= 0x66
      ? b - 0x57
      : b >= 0x41 && b <= 0x46
        ? b - 0x37
        : -1;

function hexDecode(s: string): Buffer {
  const src = utf8(s);
  const out: number[] = [];
  let j = 1;
  for (; j < src.length; j += 2) {
    const a = HEX_VALUE(src[j - 1]!);
    const b = HEX_VALUE(src[j]!);
    if (a < 0) throw builtinError(hexInvalidByte(src[j - 1]!));
    if (b < 0) throw builtinError(hexInvalidByte(src[j]!));
    out.push((a << 4) | b);
  }
  if (src.length % 2 === 1) {
    if (HEX_VALUE(src[j - 1]!) < 0) throw builtinError(hexInvalidByte(src[j - 1]!));
    throw builtinError('encoding/hex: odd length hex string');
  }
  return Buffer.from(out);
}

function unescapeOrThrow(s: string): string {
  try {
    return queryUnescape(s);
  } catch (e) {
    throw builtinError((e as Error).message);
  }
}

const ENCODE_OBJECT_ERROR = 'values must be string, array[string], or set[string]';

function encodeObject(v: Value): string {
  if (!(v instanceof RObject)) throw operandTypeError(1, 'object', v);
  const values = new Map<string, string[]>();
  for (const [k, x] of v.entries()) {
    const key = goKeyText(k);
    if (typeof x === 'string') values.set(key, [x]);
    else if (Array.isArray(x) || x instanceof RSet) {
      const items = Array.isArray(x) ? x : x.sorted();
      const strs = items.map((i) => {
        if (typeof i !== 'string') throw operandError(1, ENCODE_OBJECT_ERROR);
        return i;
      });
      values.set(key, [...(values.get(key) ?? []), ...strs]);
    } else throw operandError(1, ENCODE_OBJECT_ERROR);
  }
  return encodeQuery(values);
}

function decodeObject(s: string): RObject {
  let parsed: Map<string, string[]>;
  try {
    parsed = parseQuery(s);
  } catch (e) {
    throw builtinError((e as Error).message);
  }
  const out = new RObject();
  for (const [k, vs] of parsed) out.set(k, vs);
  return out;
}

export const encodingBuiltins: BuiltinDef[] = [
  { name: 'base64.encode', arity: 1, impl: ([s]) => goBase64Encode(utf8(stringArg(s!, 1)), 'std', true) },
  { name: 'base64.decode', arity: 1, impl: ([s]) => fromUtf8(decodeOrThrow(stringArg(s!, 1), 'std')) },
  {
    name: 'base64.is_valid',
    arity: 1,
    impl: ([s]) => {
      if (typeof s !== 'string') return false;
      try {
        goBase64Decode(utf8(s), 'std', true);
        return true;
      } catch {
        return false;
      }
    },
  },
  { name: 'base64url.encode', arity: 1, impl: ([s]) => goBase64Encode(utf8(stringArg(s!, 1)), 'url', true) },
  {
    name: 'base64url.encode_no_pad',
    arity: 1,
    impl: ([s]) => goBase64Encode(utf8(stringArg(s!, 1)), 'url', false),
  },
  { name: 'base64url.decode', arity: 1, impl: ([s]) => fromUtf8(base64UrlDecode(stringArg(s!, 1))) },
  { name: 'hex.encode', arity: 1, impl: ([s]) => utf8(stringArg(s!, 1)).toString('hex') },
  { name: 'hex.decode', arity: 1, impl: ([s]) => fromUtf8(hexDecode(stringArg(s!, 1))) },
  { name: 'urlquery.encode', arity: 1, impl: ([s]) => queryEscape(stringArg(s!, 1)) },
  { name: 'urlquery.decode', arity: 1, impl: ([s]) => unescapeOrThrow(stringArg(s!, 1)) },
  { name: 'urlquery.encode_object', arity: 1, impl: ([v]) => encodeObject(v!) },
  { name: 'urlquery.decode_object', arity: 1, impl: ([s]) => decodeObject(stringArg(s!, 1)) },
];
