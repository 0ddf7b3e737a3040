import type { Actor } from '../actor.js';
import type { IdentityConfig } from './types.js';

/** Builds the Actor for verified claims; admin rights come from config only, never from the token. */
export function actorFromClaims(
  config: IdentityConfig,
  claims: { identity: string; groups: string[]; kind: 'human' | 'agent' },
): Actor {
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
