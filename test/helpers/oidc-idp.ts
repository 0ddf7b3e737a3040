/**
 * A real OpenID Provider (`oidc-provider` ^9) in-process on 127.0.0.1 at an ephemeral port, for
 * tests of OIDC sign-in. Everything a verifier sees goes over real HTTP: discovery, JWKS, token,
 * device authorization, revocation. Tokens either come from the provider's own endpoints
 * (`clientCredentialsToken`, the device and code flows driven by a test) or are signed here with
 * the very private key the provider serves in its JWKS (`mintUserToken`, `signToken`), so a token a
 * test crafts verifies exactly as one the IdP issued would.
 *
 * Clients: `jitsudo-cli` (public, PKCE; device_code, authorization_code, refresh_token; loopback
 * redirect) and `jitsudo-machine` (confidential, client_credentials). Access tokens are JWTs for
 * the resource `audience` (RFC 8707), carrying `email` and `groups` for people.
 *
 * For CLI sign-in tests: `deviceInterval` / `deviceCodeTtl`, `setAccessTokenTtl`, `refreshGrant`,
 * `revoke`; delete an entry of `accounts` and the IdP refuses that person's refresh token.
 * test/helpers/oidc-browser.ts plays the browser against this provider's pages.
 *
 * Fault injection for the verifier's bad days: `setJwksMode('down' | 'garbage' | 'slow')` changes
 * what the JWKS URL answers; `jwksFetches` counts the JWKS requests served.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import Provider from 'oidc-provider';

export const CLI_CLIENT_ID = 'jitsudo-cli';
export const MACHINE_CLIENT_ID = 'jitsudo-machine';
export const MACHINE_CLIENT_SECRET = 'machine-secret-for-tests-only-0123456789';
export const DEFAULT_AUDIENCE = 'https://jitsudo.test/api';
/** The confidential web client of `StartIdpOptions.webRedirectUris` (jitsudod's step-up pages). */
export const WEB_CLIENT_ID = 'jitsudo-web';
export const WEB_CLIENT_SECRET = 'web-secret-for-tests-only-0123456789abcdef';

export interface IdpAccount {
  email?: string;
  groups?: string[];
  /** Extra claims merged into the access token (e.g. a malformed email for a test). */
  extra?: Record<string, unknown>;
}

export interface OidcIdp {
  issuer: string;
  audience: string;
  jwksUri: string;
  /** The `kid` the IdP signs with now. */
  readonly kid: string;
  /** Number of JWKS requests served so far (whatever the mode). */
  readonly jwksFetches: number;
  accounts: Map<string, IdpAccount>;
  /** An access token for a person, signed with the IdP's current key (default claims as the IdP would set). */
  mintUserToken(email: string, groups?: string[], claims?: Record<string, unknown>): Promise<string>;
  /** Signs any payload with the IdP's current key; `header` overrides the protected header. */
  signToken(payload: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  /** A real client-credentials access token from the token endpoint (machine principal). */
  clientCredentialsToken(): Promise<string>;
  /** New signing key (new kid) served first by JWKS; the old one stays listed unless `dropOld`. */
  rotateKeys(opts?: { dropOld?: boolean }): Promise<string>;
  /** What the JWKS URL answers: the keys, a 503, a non-JSON body, or nothing for `slowMs`. */
  setJwksMode(mode: 'normal' | 'down' | 'garbage' | 'slow'): void;
  /** The public JWKS as served (for tests that abuse a public key). */
  publicJwks(): { keys: JWK[] };
  provider(): Provider;
  /** Lifetime (s) of access tokens issued from now on (people and machines). */
  setAccessTokenTtl(seconds: number): void;
  /** A refresh_token grant at the token endpoint as `jitsudo-cli` would send it: the raw answer. */
  refreshGrant(refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Revokes a token at the revocation endpoint (RFC 7009) as `jitsudo-cli`. */
  revoke(token: string): Promise<void>;
  stop(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateJwk: JWK;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
}

async function newKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateJwk, privateKey };
}

/** An in-memory adapter shared by every provider instance (a key rotation swaps the instance). */
function memoryAdapter() {
  const store = new Map<string, any>();
  return class MemoryAdapter {
    constructor(readonly name: string) {}
    key(id: string) {
      return `${this.name}:${id}`;
    }
    async upsert(id: string, payload: any, _expiresIn: number) {
      store.set(this.key(id), payload);
      if (payload.userCode) store.set(`userCode:${payload.userCode}`, id);
      if (payload.uid) store.set(`uid:${payload.uid}`, id);
      if (payload.grantId) {
        const k = `grant:${payload.grantId}`;
        store.set(k, [...(store.get(k) ?? []), this.key(id)]);
      }
    }
    async find(id: string) {
      return store.get(this.key(id));
    }
    async findByUserCode(code: string) {
      return this.find(store.get(`userCode:${code}`));
    }
    async findByUid(uid: string) {
      return this.find(store.get(`uid:${uid}`));
    }
    async consume(id: string) {
      const p = store.get(this.key(id));
      if (p) p.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const k of store.get(`grant:${grantId}`) ?? []) store.delete(k);
      store.delete(`grant:${grantId}`);
    }
  };
}

export interface StartIdpOptions {
  audience?: string;
  accessTokenTtl?: number;
  /** How long `slow` JWKS answers take (default 30 s: longer than any sane verifier timeout). */
  slowMs?: number;
  /**
   * The `interval` (s) the device authorization response names. oidc-provider names none, so a
   * client waits the RFC 8628 default of 5 s between polls; tests set 1.
   */
  deviceInterval?: number;
  /** Lifetime (s) of a device code (its `expires_in`); oidc-provider's default is 600. */
  deviceCodeTtl?: number;
  /**
   * Registers `jitsudo-web` (confidential, authorization_code + PKCE, client_secret_basic) with these
   * redirect URIs, and puts scope claims (email, groups) into ID tokens as jitsudod's step-up reads them.
   */
  webRedirectUris?: string[];
}

/** Starts the IdP; call `stop()` in afterAll. */
export async function startOidcIdp(opts: StartIdpOptions = {}): Promise<OidcIdp> {
  const audience = opts.audience ?? DEFAULT_AUDIENCE;
  const slowMs = opts.slowMs ?? 30_000;
  const accounts = new Map<string, IdpAccount>([
    ['alice', { email: 'alice@example.com', groups: ['sre'] }],
    ['bob', { email: 'bob@example.com', groups: ['dev'] }],
    ['root', { email: 'root@example.com', groups: ['jitsudo-admins'] }],
  ]);
  let keys: SigningKey[] = [await newKey()];
  let jwksMode: 'normal' | 'down' | 'garbage' | 'slow' = 'normal';
  let jwksFetches = 0;
  let accessTokenTtl = opts.accessTokenTtl ?? 600;
  const pending = new Set<NodeJS.Timeout>();
  const Adapter = memoryAdapter();

  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cookieKeys = [randomBytes(32).toString('hex')];

  const build = () =>
    new Provider(issuer, {
      adapter: Adapter as any,
      jwks: { keys: keys.map((k) => k.privateJwk) as any },
      cookies: { keys: cookieKeys },
      clients: [
        {
          client_id: CLI_CLIENT_ID,
          application_type: 'native',
          token_endpoint_auth_method: 'none',
          grant_types: [
            'urn:ietf:params:oauth:grant-type:device_code',
            'authorization_code',
            'refresh_token',
          ],
          response_types: ['code'],
          redirect_uris: ['http://127.0.0.1/callback'],
        },
        ...(opts.webRedirectUris
          ? [
              {
                client_id: WEB_CLIENT_ID,
                client_secret: WEB_CLIENT_SECRET,
                token_endpoint_auth_method: 'client_secret_basic' as const,
                grant_types: ['authorization_code'],
                response_types: ['code' as const],
                redirect_uris: opts.webRedirectUris,
              },
            ]
          : []),
        {
          client_id: MACHINE_CLIENT_ID,
          client_secret: MACHINE_CLIENT_SECRET,
          token_endpoint_auth_method: 'client_secret_basic',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
        },
      ],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
      ...(opts.webRedirectUris ? { conformIdTokenClaims: false } : {}),
      scopes: ['openid', 'offline_access', 'email', 'groups', 'jitsudo'],
      findAccount: async (_ctx, id) => {
        const a = accounts.get(id);
        if (!a) return undefined;
        return {
          accountId: id,
          claims: async () => ({ sub: id, email: a.email, email_verified: true, groups: a.groups }),
        };
      },
      features: {
        devInteractions: { enabled: true },
        deviceFlow: { enabled: true },
        clientCredentials: { enabled: true },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: async () => audience,
          useGrantedResource: async () => true,
          getResourceServerInfo: async () => ({
            scope: 'jitsudo',
            audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: accessTokenTtl,
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
      pkce: { required: () => true },
      issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
      extraTokenClaims: async (_ctx, token: any) => {
        const a = token.accountId ? accounts.get(token.accountId) : undefined;
        if (!a) return undefined;
        return { email: a.email, groups: a.groups, ...a.extra };
      },
      ttl: {
        AccessToken: () => accessTokenTtl,
        ClientCredentials: () => accessTokenTtl,
        ...(opts.deviceCodeTtl ? { DeviceCode: opts.deviceCodeTtl } : {}),
      },
    });
  const withInterval = (p: Provider) => {
    if (opts.deviceInterval)
      p.use(async (ctx, next) => {
        await next();
        if (ctx.path === '/device/auth' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object')
          ctx.body = { ...(ctx.body as object), interval: opts.deviceInterval };
      });
    return p;
  };
  let provider = withInterval(build());
  // oidc-provider's default route; the smoke test checks discovery names it.
  const jwksPath = '/jwks';

  server.on('request', (req, res) => {
    if (req.url?.split('?')[0] === jwksPath) {
      jwksFetches++;
      if (jwksMode === 'down') return void res.writeHead(503).end('unavailable');
      if (jwksMode === 'garbage')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>nope');
      if (jwksMode === 'slow') {
        const t = setTimeout(() => {
          pending.delete(t);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
        }, slowMs);
        pending.add(t);
        return;
      }
    }
    provider.callback()(req, res);
  });
  const current = () => keys[0]!;
  const signToken = (payload: JWTPayload, header: Record<string, unknown> = {}) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: current().kid, typ: 'at+jwt', ...header })
      .sign(current().privateKey);

  return {
    issuer,
    audience,
    jwksUri: `${issuer}${jwksPath}`,
    get kid() {
      return current().kid;
    },
    get jwksFetches() {
      return jwksFetches;
    },
    accounts,
    signToken,
    mintUserToken(email, groups = [], claims = {}) {
      const now = Math.floor(Date.now() / 1000);
      return signToken({
        iss: issuer,
        aud: audience,
        sub: email.split('@')[0],
        client_id: CLI_CLIENT_ID,
        iat: now,
        exp: now + 600,
        jti: randomUUID(),
        scope: 'openid email groups',
        email,
        groups,
        ...claims,
      });
    },
    async clientCredentialsToken() {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${MACHINE_CLIENT_ID}:${MACHINE_CLIENT_SECRET}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: audience, scope: 'jitsudo' }),
      });
      const body = (await res.json()) as { access_token?: string };
      if (!res.ok || !body.access_token)
        throw new Error(`client_credentials failed: ${res.status} ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async rotateKeys({ dropOld = false } = {}) {
      const k = await newKey();
      keys = dropOld ? [k] : [k, ...keys];
      provider = withInterval(build());
      return k.kid;
    },
    setJwksMode(mode) {
      jwksMode = mode;
    },
    publicJwks() {
      return {
        keys: keys.map(({ privateJwk: { d, p, q, dp, dq, qi, ...pub } }) => pub),
      };
    },
    provider: () => provider,
    setAccessTokenTtl(seconds) {
      accessTokenTtl = seconds;
    },
    async refreshGrant(refreshToken) {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: CLI_CLIENT_ID,
          resource: audience,
        }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async revoke(token) {
      const res = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: CLI_CLIENT_ID }),
      });
      if (!res.ok) throw new Error(`revocation failed: ${res.status} ${await res.text()}`);
    },
    stop: () =>
      new Promise<void>((done) => {
        for (const t of pending) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
