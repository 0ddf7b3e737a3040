import { SignJWT } from 'jose';
import { AppError } from '../errors.js';
import { DevClaims } from './dev-claims.js';
import { DEV_AUDIENCE, DEV_ISSUER, type DevTokenSubject, type MintedToken, type TokenKeys } from './types.js';

/** Signs a dev-mode bearer token (HS256 with the server's token key); claims are validated first. */
export async function mintDevToken(keys: TokenKeys, subject: DevTokenSubject): Promise<MintedToken> {
  const parsed = DevClaims.safeParse({ email: subject.email, groups: subject.groups, kind: subject.kind });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('VALIDATION', `invalid ${issue.path.join('.') || 'token subject'}: ${issue.message}`);
  }
  if (!Number.isInteger(subject.ttl) || subject.ttl <= 0)
    throw new AppError('VALIDATION', 'token lifetime must be a positive number of seconds');
  const nowSec = Math.floor(Date.now() / 1000);
  const exp = nowSec + subject.ttl;
  const token = await new SignJWT({
    email: parsed.data.email,
    groups: parsed.data.groups,
    kind: parsed.data.kind,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setSubject(parsed.data.email)
    .setIssuedAt(nowSec)
    .setExpirationTime(exp)
    .sign(keys.tokenKey);
  return { token, expiresAt: new Date(exp * 1000) };
}
