import type { Actor } from '../actor.js';
import { AppError } from '../errors.js';
import { unsafeNameChar } from '../validation/identity-text.js';
import type { IdentityConfig } from './types.js';

/**
 * Builds the Actor for verified claims; admin rights come from config only, never from the token.
 * Every way of authenticating ends here, so an identity or group holding a control, bidi or
 * invisible character is refused here too, whatever verified it (it would reach every audit line).
 */
export function actorFromClaims(
  config: IdentityConfig,
  claims: { identity: string; groups: string[]; kind: 'human' | 'agent' | 'service' },
): Actor {
  if ([claims.identity, ...claims.groups].some((s) => unsafeNameChar(s) !== undefined))
    throw new AppError('UNAUTHENTICATED', 'invalid token claims');
  const isAdmin =
    claims.kind === 'human' &&
    (claims.groups.includes(config.auth.admin_group) ||
      config.auth.admin_emails.some((e) => e.toLowerCase() === claims.identity.toLowerCase()));
  return {
    identity: claims.identity,
    kind: claims.kind,
    groups: [...claims.groups],
    scopes: isAdmin ? ['requester', 'admin'] : ['requester'],
    isAdmin,
  };
}
