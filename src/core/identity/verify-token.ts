import { errors, jwtVerify } from 'jose';
import type { Actor } from '../actor.js';
import { AppError } from '../errors.js';
import { actorFromClaims } from './actor-from-claims.js';
import { DevClaims } from './dev-claims.js';
import type { VerifiedTokenCache } from './token-cache.js';
import { DEV_AUDIENCE, DEV_ISSUER, type IdentityDeps } from './types.js';

/**
 * Verifies a dev-mode bearer token and returns its Actor; any failure is UNAUTHENTICATED. With a
 * `cache`, a token verified before (and not yet expired) is answered from it.
 */
export async function verifyToken(
  deps: IdentityDeps,
  token: string,
  cache?: VerifiedTokenCache,
): Promise<Actor> {
  const known = cache?.get(token);
  if (known) return known;
  if (!token || token.length > 8192)
    throw new AppError('UNAUTHENTICATED', 'missing or malformed bearer token');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, deps.keys.tokenKey, {
      algorithms: ['HS256'],
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
    }));
  } catch (e) {
    // The reason is safe to show (expired vs. invalid); the token itself never is.
    const why = e instanceof errors.JWTExpired ? 'token expired; log in again' : 'invalid token';
    throw new AppError('UNAUTHENTICATED', why);
  }
  const claims = DevClaims.safeParse({ email: payload.email, groups: payload.groups, kind: payload.kind });
  if (!claims.success || payload.sub !== claims.data.email)
    throw new AppError('UNAUTHENTICATED', 'invalid token claims');
  const actor = actorFromClaims(deps.config, {
    identity: claims.data.email,
    groups: claims.data.groups,
    kind: claims.data.kind,
  });
  // A dev token is minted at sign-in (`jitsudo login --dev`): its iat is that sign-in (ADR 0050).
  if (typeof payload.iat === 'number') actor.authTime = payload.iat;
  cache?.remember(token, actor, payload.exp as number);
  return actor;
}
