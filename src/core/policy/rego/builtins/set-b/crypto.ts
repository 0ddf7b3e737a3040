/** crypto.md5/sha1/sha256 and crypto.hmac.* (hex digests of UTF-8 input; hmac.equal is constant-time). */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { BuiltinDef } from '../types.js';
import { stringArg, utf8 } from './util.js';

const digest = (alg: string) => (s: string) => createHash(alg).update(utf8(s)).digest('hex');
const hmac = (alg: string) => (msg: string, key: string) =>
  createHmac(alg, utf8(key)).update(utf8(msg)).digest('hex');

/** Go's hmac.Equal: equal length and equal bytes, compared in constant time. */
function hmacEqual(a: string, b: string): boolean {
  const x = utf8(a);
  const y = utf8(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const hashBuiltin = (name: string, alg: string): BuiltinDef => ({
  name,
  arity: 1,
  impl: ([s]) => digest(alg)(stringArg(s!, 1)),
});

const hmacBuiltin = (name: string, alg: string): BuiltinDef => ({
  name,
  arity: 2,
  impl: ([msg, key]) => hmac(alg)(stringArg(msg!, 1), stringArg(key!, 2)),
});

export const cryptoBuiltins: BuiltinDef[] = [
  hashBuiltin('crypto.md5', 'md5'),
  hashBuiltin('crypto.sha1', 'sha1'),
  hashBuiltin('crypto.sha256', 'sha256'),
  hmacBuiltin('crypto.hmac.md5', 'md5'),
  hmacBuiltin('crypto.hmac.sha1', 'sha1'),
  hmacBuiltin('crypto.hmac.sha256', 'sha256'),
  hmacBuiltin('crypto.hmac.sha512', 'sha512'),
  {
    name: 'crypto.hmac.equal',
    arity: 2,
    impl: ([a, b]) => hmacEqual(stringArg(a!, 1), stringArg(b!, 2)),
  },
];
