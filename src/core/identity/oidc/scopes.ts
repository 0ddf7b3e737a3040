/**
 * Scope enforcement for OIDC access tokens (`auth.oidc.required_scopes`, ADR 0043). IdPs spell the
 * granted scopes two ways: `scope`, one space-separated string (RFC 9068, RFC 8693), or `scp`, an
 * array or a string (Okta, Entra ID). Either counts; a claim of any other shape grants nothing.
 */
import { AppError } from '../../errors.js';

/** The scopes a verified payload grants. */
export function grantedScopes(payload: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (const claim of [payload.scope, payload.scp]) {
    const values = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
    for (const v of values) if (typeof v === 'string' && v) out.add(v);
  }
  return out;
}

/**
 * Throws FORBIDDEN with `details.required_scope` (every required scope, space-separated, as the
 * `scope` attribute of the 403's WWW-Authenticate wants it) when one is missing.
 */
export function assertScopes(payload: Record<string, unknown>, required: readonly string[]): void {
  if (required.length === 0) return;
  const granted = grantedScopes(payload);
  const missing = required.filter((s) => !granted.has(s));
  if (missing.length === 0) return;
  throw new AppError('FORBIDDEN', `token lacks the scope ${missing.join(' ')}; sign in again asking for it`, {
    details: { required_scope: required.join(' ') },
  });
}
