/**
 * A step-up link's token (ADR 0050): `<id>.<mac>`, both base64url. The id is 32 random bytes and
 * only its SHA-256 is stored; the mac (HMAC-SHA256 under a key derived from the server's token key)
 * makes an altered or made-up link obvious before the database is asked.
 */
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const INFO = 'jitsudo step-up link v1';
const B64 = /^[A-Za-z0-9_-]{43}$/;

const keyOf = (tokenKey: Uint8Array) => Buffer.from(hkdfSync('sha256', tokenKey, Buffer.alloc(0), INFO, 32));
const macOf = (key: Buffer, id: string) =>
  createHmac('sha256', key).update(`step-up:${id}`).digest('base64url');

/** The SHA-256 of a link id, as stored. */
export const linkIdHash = (id: string): string => createHash('sha256').update(id).digest('hex');

/** A new token and the hash to store. */
export function newLinkToken(tokenKey: Uint8Array): { token: string; idHash: string } {
  const id = randomBytes(32).toString('base64url');
  return { token: `${id}.${macOf(keyOf(tokenKey), id)}`, idHash: linkIdHash(id) };
}

/** The stored hash of a token whose mac holds, or undefined for anything altered or malformed. */
export function verifyLinkToken(tokenKey: Uint8Array, token: string): string | undefined {
  if (typeof token !== 'string' || token.length > 200) return undefined;
  const [id, mac, more] = token.split('.');
  if (more !== undefined || !id || !mac || !B64.test(id) || !B64.test(mac)) return undefined;
  const want = Buffer.from(macOf(keyOf(tokenKey), id));
  const got = Buffer.from(mac);
  return got.length === want.length && timingSafeEqual(got, want) ? linkIdHash(id) : undefined;
}
