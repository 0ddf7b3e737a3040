/**
 * The actor of a person known to jitsudo by email alone (a Slack click, ADR 0048): known means a
 * human principal exists — the person has signed in through the IdP at least once. Groups are not
 * known without a token, so the actor has none: decisions that need a group fail closed.
 */
import type { Actor } from '../actor.js';
import { findPrincipal } from '../db/principals-repo.js';
import type { CoreDeps } from '../deps.js';
import { actorFromClaims } from './actor-from-claims.js';

/** The group-less human actor for `email`, or null when no human principal has that identity. */
export async function knownHumanByEmail(
  deps: Pick<CoreDeps, 'db' | 'config'>,
  email: string,
): Promise<Actor | null> {
  const e = email.trim();
  if (!e || e.length > 320) return null;
  const row = (await findPrincipal(deps.db, e)) ?? (await findPrincipal(deps.db, e.toLowerCase()));
  if (row?.kind !== 'human') return null;
  try {
    return actorFromClaims(deps.config, { identity: row.identity, groups: [], kind: 'human' });
  } catch {
    return null;
  }
}
