/**
 * The scripted browser against the in-process IdP, with openid-client as the client: the device flow
 * and authorization code + PKCE complete through the provider's own pages; a wrong code, an aborted
 * device login and an unknown page fail loudly.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { authorize, confirmDeviceCode, newBrowser } from './oidc-browser.js';
import { CLI_CLIENT_ID, type OidcIdp, startOidcIdp } from './oidc-idp.js';

let idp: OidcIdp;
let config: oidc.Configuration;
beforeAll(async () => {
  idp = await startOidcIdp({ deviceInterval: 1 });
  config = await oidc.discovery(new URL(idp.issuer), CLI_CLIENT_ID, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
});
afterAll(() => idp?.stop());

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

describe('oidc-browser', () => {
  test('device flow: the user code is confirmed through /device; the poll gets tokens for the audience', async () => {
    const da = await oidc.initiateDeviceAuthorization(config, {
      scope: 'openid offline_access email groups',
      resource: idp.audience,
    });
    await confirmDeviceCode(da.verification_uri, da.user_code, 'alice');
    const tokens = await oidc.pollDeviceAuthorizationGrant(config, da, { resource: idp.audience });
    expect(tokens.refresh_token).toBeTruthy();
    expect(claimsOf(tokens.access_token)).toMatchObject({
      sub: 'alice',
      aud: idp.audience,
      email: 'alice@example.com',
    });
  });

  test('device flow via verification_uri_complete, then an aborted one is access_denied', async () => {
    const da = await oidc.initiateDeviceAuthorization(config, { scope: 'openid', resource: idp.audience });
    await confirmDeviceCode(da.verification_uri_complete!, da.user_code, 'bob');
    const t = await oidc.pollDeviceAuthorizationGrant(config, da, { resource: idp.audience });
    expect(claimsOf(t.access_token).sub).toBe('bob');

    const denied = await oidc.initiateDeviceAuthorization(config, {
      scope: 'openid',
      resource: idp.audience,
    });
    await confirmDeviceCode(denied.verification_uri, denied.user_code, 'bob', { deny: true });
    await expect(
      oidc.pollDeviceAuthorizationGrant(config, denied, { resource: idp.audience }),
    ).rejects.toMatchObject({
      error: 'access_denied',
    });
  });

  test('a wrong user code is reported with the page text, not looped on', async () => {
    const da = await oidc.initiateDeviceAuthorization(config, { scope: 'openid', resource: idp.audience });
    await expect(confirmDeviceCode(da.verification_uri, 'BCDF-GHJK', 'alice')).rejects.toThrow(/incorrect/);
  });

  test('authorization code + PKCE: the final redirect carries code and state; a session is reused', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const redirect_uri = 'http://127.0.0.1:49152/callback';
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri,
      scope: 'openid offline_access email',
      prompt: 'consent',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      resource: idp.audience,
    });
    const browser = newBrowser();
    const cb = await browser.authorize(url, 'alice');
    expect(cb.origin).toBe('http://127.0.0.1:49152');
    expect(cb.searchParams.get('state')).toBe(state);
    const tokens = await oidc.authorizationCodeGrant(
      config,
      cb,
      { pkceCodeVerifier: verifier, expectedState: state },
      { resource: idp.audience },
    );
    expect(claimsOf(tokens.access_token)).toMatchObject({ sub: 'alice', aud: idp.audience });
    // Same browser again: the IdP session is reused (no login form), still ends at the redirect.
    const again = await browser.authorize(url, 'ignored-because-signed-in');
    expect(again.searchParams.get('code')).toBeTruthy();
    // A different redirect_uri than registered: the IdP's error page, reported.
    const bad = new URL(url);
    bad.searchParams.set('redirect_uri', 'http://evil.example/callback');
    await expect(authorize(bad, 'alice')).rejects.toThrow(/400|redirect_uri/);
  });
});
