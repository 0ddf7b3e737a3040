/**
 * OAuth 2.0 device authorization grant (RFC 8628): show the verification URI and user code on
 * stderr, then poll the token endpoint. openid-client keeps the rules: wait `interval` (5 s when the
 * IdP names none) between polls, add 5 s on `slow_down`, keep going on `authorization_pending`, and
 * stop at the code's `expires_in`. `access_denied` and `expired_token` become clear errors.
 */
import * as oidc from 'openid-client';
import { codeExpired, idpFailure } from './idp.js';

export type Tokens = oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

export async function deviceFlow(
  config: oidc.Configuration,
  o: { scope: string; audience: string; issuer: string; note: (line: string) => void },
): Promise<Tokens> {
  let da: oidc.DeviceAuthorizationResponse;
  try {
    da = await oidc.initiateDeviceAuthorization(config, { scope: o.scope, resource: o.audience });
  } catch (e) {
    throw idpFailure(e, o.issuer, 'start a device sign-in');
  }
  const deadline = Date.now() + da.expires_in * 1000 - 1000;
  const minutes = Math.max(1, Math.round(da.expires_in / 60));
  o.note(`To sign in, open ${da.verification_uri} and enter the code: ${da.user_code}`);
  if (da.verification_uri_complete) o.note(`(or open ${da.verification_uri_complete})`);
  o.note(`Waiting for you to confirm… the code expires in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
  try {
    return await oidc.pollDeviceAuthorizationGrant(config, da, { resource: o.audience });
  } catch (e) {
    // openid-client stops polling at expires_in with a timeout: that is the code expiring (a
    // single slow poll is a timeout too, but earlier).
    if ((e as { code?: string }).code === 'OAUTH_TIMEOUT' && Date.now() >= deadline) throw codeExpired();
    throw idpFailure(e, o.issuer, 'finish the device sign-in');
  }
}
