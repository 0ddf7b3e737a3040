/**
 * OIDC sign-in over real HTTP: the app on a socket, tokens from (or signed with the keys of) an
 * in-process IdP that the server reaches over HTTP for discovery and JWKS. Every refused token is a
 * 401 with `WWW-Authenticate: Bearer` and leaves requests and audit untouched.
 */
import { base64url, SignJWT } from 'jose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { coreApp } from '../../src/server/core-app.js';
import { type Stack, startStack } from '../helpers/app-stack.js';
import { testDatabases } from '../helpers/db.js';
import { type OidcIdp, startOidcIdp } from '../helpers/oidc-idp.js';
import { type Served, serveApp } from '../helpers/real-http.js';

const P = '/api/v1alpha1';
const body = { provider: 'mock', role: 'admin', resource_scope: 's', reason: 'oidc' };
const now = () => Math.floor(Date.now() / 1000);

describe.each(testDatabases())('OIDC bearer tokens over HTTP on %s', (driver) => {
  let idp: OidcIdp;
  let stack: Stack;
  let served: Served;
  beforeAll(async () => {
    idp = await startOidcIdp();
    stack = await startStack(driver, {
      agentTokens: true,
      // Policy input carries kind: only a `service` principal named so is eligible through this rule.
      policies: [
        {
          name: 'test-service-eligibility',
          rego: `package jitsudo.eligibility
grant contains "machine client" if {
  input.user.kind == "service"
  input.user.email == "service:jitsudo-machine"
}`,
        },
      ],
      config: {
        auth: {
          mode: 'oidc',
          oidc: {
            issuer: idp.issuer,
            audience: idp.audience,
            client_id: 'jitsudo-cli',
            http_timeout_ms: 1500,
          },
        },
      },
    });
    // The app exactly as jitsudod composes it (coreApp), in front of the stack's core.
    served = await serveApp(coreApp(stack.core, pino({ level: 'silent' })));
  });
  afterAll(async () => {
    await served?.close();
    await stack?.close();
    await idp?.stop();
  });

  const call = async (method: string, path: string, token?: string, json?: unknown) => {
    const res = await fetch(`${served.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(json ? { 'content-type': 'application/json' } : {}),
      },
      body: json ? JSON.stringify(json) : undefined,
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  const counts = async () => ({
    requests: (await stack.rows('select count(*)::int as n from requests'))[0]!.n,
    audit: (await stack.rows('select count(*)::int as n from audit_events'))[0]!.n,
  });

  test('JWKS down on first use: 503 UNAVAILABLE with Retry-After, not a 500; then it recovers', async () => {
    idp.setJwksMode('down');
    try {
      const r = await call('GET', `${P}/auth/whoami`, await idp.mintUserToken('alice@example.com'));
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('UNAVAILABLE');
      expect(r.headers.get('retry-after')).toBeTruthy();
    } finally {
      idp.setJwksMode('normal');
    }
    const ok = await call('GET', `${P}/auth/whoami`, await idp.mintUserToken('alice@example.com', ['sre']));
    expect(ok.status).toBe(200);
  });

  test('GET /auth/config publishes the issuer and public client, unauthenticated', async () => {
    const r = await call('GET', `${P}/auth/config`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      mode: 'oidc',
      issuer: idp.issuer,
      client_id: 'jitsudo-cli',
      audience: idp.audience,
    });
    const doc = (await (await fetch(`${served.url}/openapi.json`)).json()) as any;
    expect(doc.paths[`${P}/auth/config`].get.operationId).toBe('authConfig');
  });

  test('a person token: whoami shows identity and groups; a request is created as human', async () => {
    const token = await idp.mintUserToken('alice@example.com', ['sre']);
    const who = await call('GET', `${P}/auth/whoami`, token);
    expect(who.body).toMatchObject({ identity: 'alice@example.com', kind: 'human', groups: ['sre'] });
    const r = await call('POST', `${P}/requests`, token, body);
    expect(r.status).toBe(201);
    expect(r.body.request.requester).toMatchObject({ identity: 'alice@example.com', kind: 'human' });
  });

  test('a client-credentials token is a service principal, stored and shown as such', async () => {
    const token = await idp.clientCredentialsToken();
    const who = await call('GET', `${P}/auth/whoami`, token);
    expect(who.body).toMatchObject({ identity: 'service:jitsudo-machine', kind: 'service', is_admin: false });
    const r = await call('POST', `${P}/requests`, token, body);
    expect(r.status).toBe(201);
    const rows = await stack.rows(`select requester_kind from requests where id = '${r.body.request.id}'`);
    expect(rows[0]!.requester_kind).toBe('service');
    const audit = await stack.rows(
      `select actor, actor_kind from audit_events where request_id = '${r.body.request.id}' order by id limit 1`,
    );
    expect(audit[0]).toMatchObject({ actor: 'service:jitsudo-machine', actor_kind: 'service' });
  });

  test('an agent token keeps working beside OIDC', async () => {
    const { token } = await stack.agent('oidc-bot', 'alice@example.com');
    const who = await call('GET', `${P}/auth/whoami`, token);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ identity: 'agent:oidc-bot', kind: 'agent' });
  });

  const payload = () => ({
    iss: idp.issuer,
    aud: idp.audience,
    sub: 'alice',
    email: 'alice@example.com',
    exp: now() + 600,
  });
  const bad: [string, () => Promise<string | undefined>][] = [
    ['no token', async () => undefined],
    ['expired', () => idp.mintUserToken('alice@example.com', [], { exp: now() - 3600 })],
    ['not yet valid', () => idp.mintUserToken('alice@example.com', [], { nbf: now() + 3600 })],
    ['wrong issuer', () => idp.mintUserToken('alice@example.com', [], { iss: 'https://evil.example.com' })],
    [
      'another resource',
      () => idp.mintUserToken('alice@example.com', [], { aud: 'https://other.example.com' }),
    ],
    [
      'alg none',
      async () => `${base64url.encode('{"alg":"none"}')}.${base64url.encode(JSON.stringify(payload()))}.`,
    ],
    [
      'HS256 keyed with the JWKS public key',
      () =>
        new SignJWT(payload())
          .setProtectedHeader({ alg: 'HS256', kid: idp.kid })
          .sign(new TextEncoder().encode(JSON.stringify(idp.publicJwks().keys[0]))),
    ],
    [
      'bad signature',
      async () => {
        const [h, , s] = (await idp.mintUserToken('bob@example.com')).split('.');
        return `${h}.${base64url.encode(JSON.stringify(payload()))}.${s}`;
      },
    ],
    ['unknown kid', () => idp.signToken(payload(), { kid: 'not-a-key' })],
    ['missing email', () => idp.mintUserToken('alice@example.com', [], { email: undefined })],
    [
      'oversized groups',
      () =>
        idp.mintUserToken(
          'alice@example.com',
          Array.from({ length: 65 }, (_, i) => `g${i}`),
        ),
    ],
    ['garbage', async () => 'not.a.jwt'],
  ];
  test.each(bad)('refused with 401 and nothing changed: %s', async (_name, make) => {
    const token = await make();
    const before = await counts();
    const r = await call('POST', `${P}/requests`, token, body);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHENTICATED');
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    if (token) expect(JSON.stringify(r.body)).not.toContain(token);
    expect(await counts()).toEqual(before);
  });
});
