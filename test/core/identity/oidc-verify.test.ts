import { createHmac } from 'node:crypto';
import { base64url, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseConfig } from '../../../src/core/config.js';
import { AppError } from '../../../src/core/errors.js';
import { createAuthenticator } from '../../../src/core/identity/index.js';
import { createOidcVerifier } from '../../../src/core/identity/oidc/authenticator.js';
import type { OidcSettings } from '../../../src/core/identity/types.js';
import { type OidcIdp, startOidcIdp } from '../../helpers/oidc-idp.js';

let idp: OidcIdp;
beforeAll(async () => {
  idp = await startOidcIdp({ slowMs: 20_000 });
});
afterAll(() => idp?.stop());

const configFor = (oidc: Record<string, unknown> = {}) =>
  parseConfig({
    home: '/nonexistent',
    auth: {
      mode: 'oidc',
      oidc: { issuer: idp.issuer, audience: idp.audience, http_timeout_ms: 1500, ...oidc },
    },
  });
const authFor = (oidc: Record<string, unknown> = {}, agents?: (t: string) => Promise<any>) =>
  createAuthenticator({ config: configFor(oidc), keys: { tokenKey: new Uint8Array(32) }, agents });

async function refused(p: Promise<unknown>, code = 'UNAUTHENTICATED'): Promise<string> {
  const e = await p.then(
    () => undefined,
    (x) => x,
  );
  expect(e, 'expected a refusal').toBeInstanceOf(AppError);
  expect((e as AppError).code).toBe(code);
  return (e as AppError).message;
}

const now = () => Math.floor(Date.now() / 1000);

describe('OIDC bearer verification against a real IdP', () => {
  test('a valid person token yields a human actor with its groups; admin from config', async () => {
    const auth = authFor();
    await auth.ready?.();
    const a = await auth.authenticate(
      await idp.mintUserToken('Alice@Example.com', ['sre', 'jitsudo-admins']),
    );
    expect(a).toMatchObject({
      identity: 'alice@example.com',
      kind: 'human',
      groups: ['sre', 'jitsudo-admins'],
    });
    expect(a.isAdmin).toBe(true);
  });

  test('groups come from a configured claim path with a size cap', async () => {
    const auth = authFor({ groups_claim: 'realm_access.roles', groups_max: 3 });
    const ok = await idp.mintUserToken('bob@example.com', [], { realm_access: { roles: ['dev', 'ops'] } });
    expect((await auth.authenticate(ok)).groups).toEqual(['dev', 'ops']);
    const big = await idp.mintUserToken('bob@example.com', [], {
      realm_access: { roles: ['a', 'b', 'c', 'd'] },
    });
    expect(await refused(auth.authenticate(big))).toMatch(/realm_access.roles holds 4 groups \(limit 3\)/);
  });

  test.each([
    ['expired', { exp: now() - 3600, iat: now() - 7200 }, /expired/],
    ['not yet valid', { nbf: now() + 3600 }, /not yet valid/],
    ['wrong issuer', { iss: 'https://evil.example.com' }, /another issuer/],
    ['wrong audience', { aud: 'https://other.example.com/api' }, /another audience/],
    ['missing email and not a client', { email: undefined }, /missing email/],
    ['malformed email', { email: 'not-an-email' }, /email must be an email address/],
    ['email with a bidi control', { email: 'alice\u202e@example.com' }, /email is not a valid name/],
    ['groups not an array', { groups: 'sre' }, /groups must be an array/],
    ['group with a space', { groups: ['s re'] }, /not a plain name/],
    ['no sub', { sub: undefined }, /sub claim/],
  ])('refused: %s', async (_name, claims, why) => {
    const token = await idp.mintUserToken('alice@example.com', ['sre'], claims);
    const msg = await refused(authFor().authenticate(token));
    expect(msg).toMatch(why);
    expect(msg).not.toContain(token);
  });

  test('expiry tolerates the configured skew only', async () => {
    const token = await idp.mintUserToken('alice@example.com', [], { exp: now() - 10 });
    expect((await authFor({ clock_skew_seconds: 60 }).authenticate(token)).identity).toBe(
      'alice@example.com',
    );
    expect(await refused(authFor({ clock_skew_seconds: 0 }).authenticate(token))).toMatch(/expired/);
  });

  test('alg none, HS256 keyed with the JWKS public key, and a bad signature are refused', async () => {
    const payload = {
      iss: idp.issuer,
      aud: idp.audience,
      sub: 'alice',
      email: 'alice@example.com',
      exp: now() + 600,
    };
    const auth = authFor();
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(payload))}.`;
    expect(await refused(auth.authenticate(none))).toMatch(/invalid token/);
    // The classic confusion attack: the RSA public key (as served) used as an HMAC secret.
    const pub = JSON.stringify(idp.publicJwks().keys[0]);
    const hs = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', kid: idp.kid })
      .sign(new TextEncoder().encode(pub));
    expect(await refused(auth.authenticate(hs))).toMatch(/algorithm not allowed/);
    const good = await idp.mintUserToken('alice@example.com');
    const [h, p] = good.split('.');
    const forged = `${h}.${p}.${base64url.encode(createHmac('sha256', 'x').update('y').digest())}`;
    expect(await refused(auth.authenticate(forged))).toMatch(/invalid token/);
    const tampered = `${h}.${base64url.encode(JSON.stringify({ ...payload, email: 'root@example.com' }))}.${good.split('.')[2]}`;
    expect(await refused(auth.authenticate(tampered))).toMatch(/invalid token/);
  });

  test('a client-credentials token from the token endpoint is a service principal', async () => {
    const a = await authFor().authenticate(await idp.clientCredentialsToken());
    expect(a).toMatchObject({
      identity: 'service:jitsudo-machine',
      kind: 'service',
      groups: [],
      isAdmin: false,
    });
  });

  test('agent tokens still go to the agent resolver beside OIDC', async () => {
    const agent = { identity: 'agent:bot', kind: 'agent', groups: [], scopes: ['requester'], isAdmin: false };
    const auth = authFor({}, async (t) => {
      if (t !== 'jit_agt_good') throw new AppError('UNAUTHENTICATED', 'invalid agent token');
      return agent;
    });
    expect(await auth.authenticate('jit_agt_good')).toEqual(agent);
    await refused(auth.authenticate('jit_agt_bad'));
  });
});

describe('JWKS rotation and failure', () => {
  const settings = (): OidcSettings => configFor().auth.oidc as OidcSettings;

  test('an unknown kid refreshes once (rate-limited) and the rotated key is then accepted', async () => {
    const v = createOidcVerifier(configFor(), settings(), { cooldownMs: 1000 });
    await v.ready();
    const before = idp.jwksFetches;
    // Garbage kids inside the cooldown never reach the IdP.
    for (let i = 0; i < 20; i++)
      await refused(
        v.verify(
          await idp.signToken(
            { iss: idp.issuer, aud: idp.audience, sub: 'x', exp: now() + 60 },
            { kid: `junk-${i}` },
          ),
        ),
      );
    expect(idp.jwksFetches - before).toBeLessThanOrEqual(1);
    await idp.rotateKeys();
    const fresh = await idp.mintUserToken('alice@example.com', ['sre']);
    const fetchesBefore = idp.jwksFetches;
    const deadline = Date.now() + 15_000;
    let actor: unknown;
    while (!actor && Date.now() < deadline) {
      actor = await v.verify(fresh).catch(() => undefined);
      if (!actor) await new Promise((r) => setTimeout(r, 100));
    }
    expect(actor).toMatchObject({ identity: 'alice@example.com' });
    expect(idp.jwksFetches - fetchesBefore).toBe(1);
  });

  test.each(['down', 'garbage', 'slow'] as const)(
    'JWKS %s → UNAVAILABLE within the bound, never accepted',
    async (mode) => {
      const seen: string[] = [];
      const v = createOidcVerifier(configFor(), settings(), { onUnavailable: (m) => seen.push(m) });
      const token = await idp.mintUserToken('alice@example.com');
      idp.setJwksMode(mode);
      try {
        const t0 = Date.now();
        await refused(v.verify(token), 'UNAVAILABLE');
        expect(Date.now() - t0).toBeLessThan(10_000);
        expect(seen.length).toBe(1);
        expect(seen[0]).not.toContain(token);
      } finally {
        idp.setJwksMode('normal');
      }
      expect((await v.verify(token)).identity).toBe('alice@example.com');
    },
  );

  test('start-up check names the key: issuer mismatch, unreachable, not https', async () => {
    const auth = (issuer: string) =>
      createAuthenticator({
        config: parseConfig({
          home: '/x',
          auth: { mode: 'oidc', oidc: { issuer, audience: 'a', http_timeout_ms: 1000 } },
        }),
        keys: { tokenKey: new Uint8Array(32) },
      });
    expect(await refused(auth(`${idp.issuer}/`).ready!(), 'VALIDATION')).toMatch(
      /auth\.oidc\.issuer.*names issuer/,
    );
    expect(await refused(auth('http://127.0.0.1:1').ready!(), 'VALIDATION')).toMatch(
      /auth\.oidc\.issuer.*discovery failed/,
    );
    expect(() => auth('http://idp.example.com')).toThrow(/auth\.oidc\.issuer: must be https/);
    expect(() =>
      createAuthenticator({
        config: parseConfig({ home: '/x', auth: { mode: 'oidc' } }),
        keys: { tokenKey: new Uint8Array(32) },
      }),
    ).toThrow(/auth\.oidc: required/);
  });
});
