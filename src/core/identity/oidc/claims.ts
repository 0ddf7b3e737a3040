/**
 * From verified OIDC claims to who is calling. People are named by `identity_claim` (default
 * `email`); a token without it is a machine when it is a client-credentials token: `client_id`
 * (RFC 9068) or `azp` names the client and `sub` equals it. Anything else is refused: guessing an
 * identity from `sub` would let an IdP's opaque ids reach policies written for emails.
 */
import type { Actor } from '../../actor.js';
import { AppError } from '../../errors.js';
import { unsafeNameChar } from '../../validation/identity-text.js';
import { actorFromClaims } from '../actor-from-claims.js';
import type { IdentityConfig, OidcSettings } from '../types.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const NAME = /^[^\s,]+$/;

const refuse = (why: string) => new AppError('UNAUTHENTICATED', `invalid token claims: ${why}`);

/** The value at a dotted path (`realm_access.roles`); own properties only. */
export function claimAt(payload: Record<string, unknown>, path: string): unknown {
  let v: unknown = payload;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function groupsOf(payload: Record<string, unknown>, oidc: OidcSettings): string[] {
  const raw = claimAt(payload, oidc.groups_claim);
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw refuse(`${oidc.groups_claim} must be an array of strings`);
  if (raw.length > oidc.groups_max)
    throw refuse(`${oidc.groups_claim} holds ${raw.length} groups (limit ${oidc.groups_max})`);
  for (const g of raw)
    if (typeof g !== 'string' || g.length === 0 || g.length > 128 || !NAME.test(g) || unsafeNameChar(g))
      throw refuse(`${oidc.groups_claim} holds a group name that is not a plain name`);
  return [...new Set(raw as string[])];
}

function text(payload: Record<string, unknown>, path: string, max: number): string | undefined {
  const v = claimAt(payload, path);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max || unsafeNameChar(v))
    throw refuse(`${path} is not a valid name`);
  return v;
}

/** The Actor for a verified payload; throws UNAUTHENTICATED saying which claim is wrong. */
export function oidcActor(
  config: IdentityConfig,
  oidc: OidcSettings,
  payload: Record<string, unknown>,
): Actor {
  const groups = groupsOf(payload, oidc);
  const id = text(payload, oidc.identity_claim, 254) ?? text(payload, oidc.email_claim, 254);
  if (id !== undefined) {
    const identity = id.trim().toLowerCase();
    if (!EMAIL.test(identity) && oidc.identity_claim === 'email')
      throw refuse(`${oidc.identity_claim} must be an email address`);
    return actorFromClaims(config, { identity, groups, kind: 'human' });
  }
  const client = payload.client_id ?? payload.azp;
  if (typeof client === 'string' && client === payload.sub) {
    const name = text(payload, payload.client_id !== undefined ? 'client_id' : 'azp', 128);
    if (!name || !NAME.test(name)) throw refuse('client_id is not a plain name');
    return actorFromClaims(config, { identity: `service:${name}`, groups, kind: 'service' });
  }
  throw refuse(`missing ${oidc.identity_claim} (and not a client-credentials token)`);
}
