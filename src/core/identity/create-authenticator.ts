import { AppError } from '../errors.js';
import type { Authenticator, IdentityDeps } from './types.js';
import { verifyToken } from './verify-token.js';

/**
 * Picks the authenticator for `config.auth.mode`. Dev mode verifies server-minted tokens; OIDC is
 * the seam for the IdP-backed implementation and refuses to start until it exists.
 */
export function createAuthenticator(deps: IdentityDeps): Authenticator {
  if (deps.config.auth.mode === 'dev') {
    return { mode: 'dev', authenticate: (token) => verifyToken(deps, token) };
  }
  throw new AppError('VALIDATION', 'auth.mode "oidc" is not implemented yet; use auth.mode "dev"');
}
