/**
 * The step-up sign-in (ADR 0050): jitsudod as a confidential OIDC web client (`auth.oidc.web_client_id`
 * / `web_client_secret`), authorization code + PKCE S256, `prompt=login` and `max_age` so the IdP
 * signs the person in again. openid-client checks state, nonce, PKCE, issuer, audience and
 * auth_time against max_age, and (non-repudiation checks on) the ID token's signature against the
 * IdP's JWKS. The person is read from the ID token's claims exactly as from an access token's
 * (oidcActor), with its groups, and with auth_time as their sign-in time.
 */
import * as oidc from 'openid-client';
import type { Actor } from '../../actor.js';
import { AppError } from '../../errors.js';
import type { IdentityConfig, OidcSettings } from '../types.js';
import { oidcActor } from './claims.js';
import { assertIssuerUrl } from './discovery.js';

/** What the browser keeps (in an encrypted cookie) between the redirect and the callback. */
export interface SignInChecks {
  state: string;
  nonce: string;
  verifier: string;
}

export interface WebSignIn {
  /** The IdP URL to send the browser to, and the checks the callback needs. */
  start(): Promise<{ url: URL; checks: SignInChecks }>;
  /** The signed-in person from the IdP's redirect to the callback; throws a 4xx AppError otherwise. */
  finish(callback: URL, checks: SignInChecks): Promise<Actor>;
}

export interface WebSignInOptions {
  oidc: OidcSettings & { web_client_id: string; web_client_secret: string };
  redirectUri: string;
  /** `max_age` asked of the IdP, and checked against the ID token's auth_time. */
  maxAgeSeconds: number;
  scope?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The web sign-in for step-up; discovery is lazy and retried after a failure. */
export function createWebSignIn(config: IdentityConfig, o: WebSignInOptions): WebSignIn {
  assertIssuerUrl(o.oidc.issuer);
  const issuer = new URL(o.oidc.issuer);
  const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
  let discovered: Promise<oidc.Configuration> | undefined;
  const load = () => {
    discovered ??= oidc
      .discovery(issuer, o.oidc.web_client_id, undefined, oidc.ClientSecretBasic(o.oidc.web_client_secret), {
        execute: insecure ? [oidc.allowInsecureRequests] : [],
        timeout: Math.ceil(o.oidc.http_timeout_ms / 1000),
      })
      .then((c) => {
        oidc.enableNonRepudiationChecks(c);
        return c;
      });
    discovered.catch(() => {
      discovered = undefined;
    });
    return discovered.catch((): never => {
      throw new AppError('UNAVAILABLE', 'the identity provider did not answer; try again shortly', {
        retryable: true,
      });
    });
  };
  return {
    async start() {
      const c = await load();
      const checks = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        verifier: oidc.randomPKCECodeVerifier(),
      };
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: o.redirectUri,
        scope: o.scope ?? 'openid email',
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.verifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
        prompt: 'login',
        max_age: String(o.maxAgeSeconds),
      });
      return { url, checks };
    },
    async finish(callback, checks) {
      const c = await load();
      let claims: Record<string, unknown> | undefined;
      try {
        const tokens = await oidc.authorizationCodeGrant(c, callback, {
          pkceCodeVerifier: checks.verifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          maxAge: o.maxAgeSeconds,
          idTokenExpected: true,
        });
        claims = tokens.claims() as Record<string, unknown> | undefined;
      } catch (e) {
        throw signInFailure(e);
      }
      if (!claims || typeof claims.auth_time !== 'number')
        throw new AppError('UNAUTHENTICATED', 'the identity provider did not say when you signed in');
      const actor = oidcActor(config, o.oidc, claims);
      if (actor.kind !== 'human') throw new AppError('FORBIDDEN', 'only a person can sign in for a step-up');
      actor.authTime = claims.auth_time;
      return actor;
    },
  };
}

/** openid-client's refusals → a 4xx the page shows (the IdP's error code, never a token or code). */
function signInFailure(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof oidc.AuthorizationResponseError)
    return new AppError('UNAUTHENTICATED', `the sign-in did not complete (${e.error.slice(0, 60)})`);
  if (e instanceof oidc.ResponseBodyError)
    return new AppError(
      'UNAUTHENTICATED',
      `the identity provider refused the sign-in (${e.error.slice(0, 60)})`,
    );
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && /^OAUTH_/.test(code))
    return new AppError('UNAUTHENTICATED', `the sign-in could not be verified (${code})`);
  return new AppError('UNAVAILABLE', 'the identity provider did not answer; try again shortly', {
    retryable: true,
  });
}
