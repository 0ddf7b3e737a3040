import type { Actor } from '../actor.js';
import { AppError } from '../errors.js';
import { VerifiedTokenCache } from './token-cache.js';
import type { Authenticator, IdentityDeps } from './types.js';
import { verifyToken } from './verify-token.js';

const AGENT_PREFIX = 'jit_agt_';

/** Agent tokens (`jit_agt_…`) go to the agent resolver in every mode; anything else to `human`. */
function withAgents(deps: IdentityDeps, human: (token: string) => Promise<Actor>) {
  return (token: string): Promise<Actor> => {
    if (!token.startsWith(AGENT_PREFIX)) return human(token);
    if (!deps.agents)
      return Promise.reject(new AppError('UNAUTHENTICATED', 'agent tokens are not accepted by this server'));
    return deps.agents(token);
  };
}

/**
 * Picks the authenticator for `config.auth.mode`. Dev mode verifies server-minted tokens; OIDC is
 * the seam for the IdP-backed implementation and refuses to start until it exists.
 */
export function createAuthenticator(deps: IdentityDeps): Authenticator {
  if (deps.config.auth.mode === 'dev') {
    const cache = new VerifiedTokenCache();
    return { mode: 'dev', authenticate: withAgents(deps, (token) => verifyToken(deps, token, cache)) };
  }
  throw new AppError('VALIDATION', 'auth.mode "oidc" is not implemented yet; use auth.mode "dev"');
}
