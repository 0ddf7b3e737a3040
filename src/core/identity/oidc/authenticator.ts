/**
 * The `auth.mode: oidc` authenticator: bearer JWTs from the configured issuer, verified with jose
 * against the issuer's JWKS (found by discovery). Choices and their reasons: ADR 0040.
 */
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { Actor } from '../../actor.js';
import { AppError } from '../../errors.js';
import type { VerifiedTokenCache } from '../token-cache.js';
import type { IdentityConfig, OidcSettings } from '../types.js';
import { oidcActor } from './claims.js';
import { discover } from './discovery.js';
import { assertScopes } from './scopes.js';

/** An unknown `kid` refetches the JWKS at most once per this many ms (jose's cooldown). */
export const JWKS_COOLDOWN_MS = 30_000;

export interface OidcVerifier {
  /** Discovery + first JWKS fetch; rejects with UNAVAILABLE or VALIDATION (issuer mismatch). */
  ready(): Promise<void>;
  verify(token: string): Promise<Actor>;
}

export interface OidcVerifierOptions {
  cache?: VerifiedTokenCache;
  /** Test seam for the refresh rate limit; production uses JWKS_COOLDOWN_MS. */
  cooldownMs?: number;
  /** Called with a one-line reason when the IdP cannot be reached (for the log). */
  onUnavailable?: (message: string) => void;
}

type Jwks = ReturnType<typeof createRemoteJWKSet>;

export function createOidcVerifier(
  config: IdentityConfig,
  oidc: OidcSettings,
  opts: OidcVerifierOptions = {},
): OidcVerifier {
  let jwks: Promise<Jwks> | undefined;
  const load = () => {
    jwks ??= discover(oidc.issuer, oidc.http_timeout_ms).then(async (d) => {
      const set = createRemoteJWKSet(d.jwksUri, {
        timeoutDuration: oidc.http_timeout_ms,
        cooldownDuration: opts.cooldownMs ?? JWKS_COOLDOWN_MS,
        cacheMaxAge: oidc.jwks_cache_seconds * 1000,
      });
      await set.reload();
      return set;
    });
    // A failed discovery is retried by the next request, not remembered forever.
    jwks.catch(() => {
      jwks = undefined;
    });
    return jwks;
  };
  const unavailable = (e: unknown): never => {
    const err =
      e instanceof AppError
        ? e
        : new AppError('UNAVAILABLE', 'the identity provider did not answer; try again shortly', {
            retryable: true,
          });
    if (err.code === 'UNAVAILABLE')
      opts.onUnavailable?.(e instanceof Error ? e.message.slice(0, 200) : 'failed');
    throw err;
  };

  return {
    ready: async () => {
      await load();
    },
    async verify(token) {
      const known = opts.cache?.get(token);
      if (known) return known;
      if (!token || token.length > 8192)
        throw new AppError('UNAUTHENTICATED', 'missing or malformed bearer token');
      const set = await load().catch(unavailable);
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, set, {
          algorithms: [...oidc.allowed_algs],
          issuer: oidc.issuer,
          audience: oidc.audience,
          clockTolerance: oidc.clock_skew_seconds,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (e) {
        throw classify(e, unavailable);
      }
      const actor = oidcActor(config, oidc, payload);
      // Only auth_time says when the person signed in: iat of an access token refreshed an hour
      // after sign-in is fresh while the sign-in is not (ADR 0050).
      if (typeof payload.auth_time === 'number' && Number.isFinite(payload.auth_time))
        actor.authTime = payload.auth_time;
      // After the identity: a token that names nobody is a 401, one that names someone but lacks
      // the scope is that person's 403 (and, like every refused token, never cached).
      assertScopes(payload, oidc.required_scopes ?? []);
      opts.cache?.remember(token, actor, payload.exp as number);
      return actor;
    },
  };
}

/** A token problem is the caller's 401 (reason shown, token never); a JWKS problem is our 503. */
function classify(e: unknown, unavailable: (e: unknown) => never): AppError {
  const why = (m: string) => new AppError('UNAUTHENTICATED', m);
  if (e instanceof errors.JWTExpired) return why('token expired; log in again');
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf') return why('token not yet valid');
    if (e.claim === 'iss') return why('token from another issuer');
    if (e.claim === 'aud') return why('token issued for another audience');
    return why(`invalid token: ${e.claim} claim`);
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return why('invalid token: signing algorithm not allowed');
  if (e instanceof errors.JWKSNoMatchingKey) return why('invalid token: unknown signing key');
  if (e instanceof errors.JWKSMultipleMatchingKeys) return why('invalid token: ambiguous signing key');
  if (
    e instanceof errors.JWKSTimeout ||
    e instanceof errors.JWKSInvalid ||
    (e instanceof errors.JOSEError && e.code === 'ERR_JOSE_GENERIC') ||
    !(e instanceof errors.JOSEError)
  )
    return unavailable(e);
  return why('invalid token');
}
