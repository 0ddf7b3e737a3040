import type { Actor } from '../actor.js';
import { AppError } from '../errors.js';
import { createOidcVerifier } from './oidc/authenticator.js';
import { assertIssuerUrl } from './oidc/discovery.js';
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
 * Picks the authenticator for `config.auth.mode`. Dev mode verifies server-minted tokens; OIDC
 * verifies the configured issuer's JWTs (await `ready()` at start-up to check the issuer).
 */
export function createAuthenticator(deps: IdentityDeps): Authenticator {
  const cache = new VerifiedTokenCache();
  if (deps.config.auth.mode === 'dev')
    return { mode: 'dev', authenticate: withAgents(deps, (token) => verifyToken(deps, token, cache)) };
  const oidc = deps.config.auth.oidc;
  if (!oidc)
    throw new AppError('VALIDATION', 'invalid config key auth.oidc: required when auth.mode is "oidc"');
  assertIssuerUrl(oidc.issuer);
  const verifier = createOidcVerifier(deps.config, oidc, { cache, onUnavailable: deps.onIdpUnavailable });
  return {
    mode: 'oidc',
    ready: () =>
      verifier.ready().catch((e) => {
        if (e instanceof AppError && e.code === 'VALIDATION') throw e;
        throw new AppError('VALIDATION', `invalid config key auth.oidc.issuer: ${(e as Error).message}`);
      }),
    authenticate: withAgents(deps, (token) => verifier.verify(token)),
  };
}
