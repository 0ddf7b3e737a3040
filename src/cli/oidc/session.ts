/**
 * A saved OIDC session over time: the access token is refreshed with the refresh token when less
 * than `REFRESH_BEFORE_SECONDS` are left, and the rotated tokens are saved atomically under the
 * credentials lock (ADR 0042). Logout revokes the refresh token at the IdP (RFC 7009).
 */
import * as oidc from 'openid-client';
import type { ClientTls } from '../../client/tls-fetch.js';
import {
  loadCredentials,
  REFRESH_BEFORE_SECONDS,
  refreshable,
  type StoredCredentials,
  saveCredentials,
  secondsLeft,
  withCredentialsLock,
} from '../credentials.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { discoverIdp, expiresAt, idpFailure } from './idp.js';

const relogin = () => new CliError('your login has expired; run `jitsudo login` again', EXIT.UNAUTHENTICATED);

/**
 * The bearer to send now; refreshes an OIDC session that is about to expire. `rejected`: jitsudod
 * just refused that token (401), so refresh whatever its expiry says — unless another jitsudo
 * already replaced it.
 */
export async function sessionToken(
  creds: StoredCredentials,
  tls?: ClientTls,
  opts: { rejected?: string } = {},
): Promise<string> {
  const { rejected } = opts;
  if (!rejected && secondsLeft(creds) > REFRESH_BEFORE_SECONDS) return creds.token;
  if (!refreshable(creds)) {
    if (!rejected && secondsLeft(creds) > 0) return creds.token;
    throw relogin();
  }
  return withCredentialsLock(async () => {
    // Another jitsudo may have refreshed while we waited for the lock: its tokens are the live ones.
    const cur = loadCredentials();
    if (!cur || !refreshable(cur) || !cur.refresh_token || !cur.issuer || !cur.client_id)
      throw new CliError('not logged in; run `jitsudo login`', EXIT.UNAUTHENTICATED);
    if (rejected ? cur.token !== rejected : secondsLeft(cur) > REFRESH_BEFORE_SECONDS) return cur.token;
    const audience = cur.audience ?? '';
    let tokens: Awaited<ReturnType<typeof oidc.refreshTokenGrant>>;
    try {
      const config = await discoverIdp(
        { issuer: cur.issuer, clientId: cur.client_id, audience },
        tls?.ca ? { ca: tls.ca } : undefined,
      );
      tokens = await oidc.refreshTokenGrant(
        config,
        cur.refresh_token,
        audience ? { resource: audience } : undefined,
      );
    } catch (e) {
      const failure = idpFailure(e, cur.issuer, 'refresh the login');
      // An IdP that is briefly unreachable must not stop a command whose token still works.
      if (failure.exitCode === EXIT.UNAVAILABLE && !rejected && secondsLeft(cur) > 0) return cur.token;
      throw failure;
    }
    saveCredentials({
      ...cur,
      token: tokens.access_token,
      // Rotation: a new refresh token replaces the old one; an IdP that does not rotate keeps it.
      refresh_token: tokens.refresh_token ?? cur.refresh_token,
      expires_at: expiresAt(tokens),
    });
    return tokens.access_token;
  });
}

/**
 * Revokes the session's refresh token at its IdP. Returns what happened for the user; never throws
 * (logout forgets the tokens locally whatever the IdP says).
 */
export async function revokeSession(
  creds: StoredCredentials,
  tls?: ClientTls,
): Promise<{ revoked: boolean; problem?: string }> {
  if (!refreshable(creds) || !creds.refresh_token || !creds.issuer || !creds.client_id)
    return { revoked: false };
  try {
    const config = await discoverIdp(
      { issuer: creds.issuer, clientId: creds.client_id, audience: creds.audience ?? '' },
      tls?.ca ? { ca: tls.ca } : undefined,
    );
    await oidc.tokenRevocation(config, creds.refresh_token, { token_type_hint: 'refresh_token' });
    return { revoked: true };
  } catch (e) {
    return { revoked: false, problem: idpFailure(e, creds.issuer, 'revoke the session').message };
  }
}
