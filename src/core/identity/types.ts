/**
 * The identity seam: a surface hands a bearer token to an `Authenticator` and gets an `Actor` back.
 * Dev mode verifies tokens the server minted itself; OIDC (later) verifies an IdP's tokens. Nothing
 * outside this folder knows which one is in use.
 */
import type { Actor } from '../actor.js';

export interface Authenticator {
  readonly mode: 'dev' | 'oidc';
  /** OIDC: discovery and the first JWKS fetch, awaited at start-up so a bad issuer fails there. */
  ready?(): Promise<void>;
  /** Verifies the raw token (no `Bearer ` prefix); throws AppError UNAUTHENTICATED. */
  authenticate(token: string): Promise<Actor>;
}

/** Key material for server-minted tokens: an HS256 secret of at least 32 bytes. */
export interface TokenKeys {
  tokenKey: Uint8Array;
}

/** Config slice identity needs (a subset of `Config`). */
export interface IdentityConfig {
  auth: {
    mode: 'dev' | 'oidc';
    admin_group: string;
    admin_emails: readonly string[];
    dev_token_ttl_seconds: number;
    oidc?: OidcSettings;
  };
}

/** `auth.oidc` as the config schema fills it in (defaults applied). */
export interface OidcSettings {
  issuer: string;
  audience: string;
  client_id?: string;
  identity_claim: string;
  email_claim: string;
  groups_claim: string;
  groups_max: number;
  allowed_algs: readonly string[];
  clock_skew_seconds: number;
  jwks_cache_seconds: number;
  http_timeout_ms: number;
  /** Scopes every token must carry (`scope` / `scp`); missing → FORBIDDEN insufficient_scope. */
  required_scopes?: readonly string[];
}

export interface IdentityDeps {
  config: IdentityConfig;
  keys: TokenKeys;
  /** Logs that the IdP could not be reached (OIDC); the surface's logger, never a token. */
  onIdpUnavailable?: (message: string) => void;
  /** Resolves `jit_agt_…` agent tokens (src/core/agents); without it agent tokens are refused. */
  agents?: (token: string) => Promise<Actor>;
}

/** Who a minted dev token speaks for. */
export interface DevTokenSubject {
  email: string;
  groups: string[];
  kind: 'human' | 'agent';
  /** Lifetime in seconds. */
  ttl: number;
}

export interface MintedToken {
  token: string;
  expiresAt: Date;
}

/** Issuer and audience of dev tokens: they are only ever valid at the server that minted them. */
export const DEV_ISSUER = 'jitsudo-dev';
export const DEV_AUDIENCE = 'jitsudo';
