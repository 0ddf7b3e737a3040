/**
 * io.jwt.decode: splits a JWS compact token into [header, payload, signature-hex] without
 * verifying it; nested tokens (cty "JWT") are unwrapped; OPA's error texts.
 */

import { RObject, type Value } from '../../value.js';
import { type BuiltinDef, builtinError } from '../types.js';
import { base64UrlDecode } from './encoding.js';
import { goUnmarshal } from './go-json.js';
import { fromUtf8, stringArg } from './util.js';

function section(part: string, name: string): Buffer {
  try {
    return base64UrlDecode(part);
  } catch (e) {
    throw builtinError(`JWT ${name} had invalid encoding: ${(e as Error).message}`);
  }
}

function jsonObject(text: string, context: string): RObject {
  let v: Value;
  try {
    v = goUnmarshal(text);
  } catch (e) {
    throw builtinError(`${context}invalid JSON: ${(e as Error).message}`);
  }
  if (!(v instanceof RObject)) throw builtinError(`${context}decoded JSON type was not an Object`);
  return v;
}

function decode(token: string, depth = 0): Value[] {
  if (!token.includes('.')) throw builtinError('encoded JWT had no period separators');
  const parts = token.split('.');
  if (parts.length !== 3) throw builtinError(`encoded JWT must have 3 sections, found ${parts.length}`);
  const header = jsonObject(fromUtf8(section(parts[0]!, 'header')), 'bad JWT header: ');
  if (header.get('enc') !== undefined) throw builtinError('JWT is a JWE object, which is not supported');
  const payload = fromUtf8(section(parts[1]!, 'payload'));
  if (header.get('cty') === 'JWT' && depth < 32) {
    // A nested token is the quoted payload (jwt.io's convention); strip the quotes and recurse.
    return decode(payload.replace(/^["']+|["']+$/g, ''), depth + 1);
  }
  const claims = jsonObject(payload, '');
  const signature = section(parts[2]!, 'signature').toString('hex');
  return [header, claims, signature];
}

export const jwtBuiltins: BuiltinDef[] = [
  { name: 'io.jwt.decode', arity: 1, impl: ([t]) => decode(stringArg(t!, 1)) },
];
