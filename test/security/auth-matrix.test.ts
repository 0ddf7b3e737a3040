/**
 * The auth matrix of issue 10, part 1: every credential that must not get in, against a real
 * production jitsudod (startServer: mode production, OIDC from the in-process IdP, TLS with client
 * certificates required), over the HTTP API and over MCP (/mcp, raw JSON-RPC as any client sends it).
 * The test names form the table: surface · case → expected answer · where it is recorded.
 *
 * Refused authentication has no identity to write an audit row for, so it is not audited (ADR 0043):
 * each case instead asserts the request log's line (same request id, status 401, no token in it) and
 * that nothing changed (requests, agents, principals and audit rows counted before and after).
 * The decision cases (self-approval, an agent and its owner, N-of-M) are in auth-matrix-decisions.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { base64url, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { sqlRows } from '../../src/core/db/client.js';
import { mintDevToken } from '../../src/core/identity/mint-dev-token.js';
import { createCa, issueCertificate, type Pem } from '../../src/server/certificates.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';
import { confirmDeviceCode } from '../helpers/oidc-browser.js';
import { CLI_CLIENT_ID, type OidcIdp, startOidcIdp } from '../helpers/oidc-idp.js';
import { serverTlsFiles, type TlsFiles } from '../helpers/tls-files.js';

const API = '/api/v1alpha1';
const now = () => Math.floor(Date.now() / 1000);
const home = mkdtempSync(join(tmpdir(), 'jitsudo-auth-matrix-'));

let idp: OidcIdp;
let tls: TlsFiles;
let server: RunningServer;
let client: Pem;
let foreign: Pem;
const logLines: string[] = [];

interface Answer {
  status: number;
  requestId: string | undefined;
  challenge: string | undefined;
  text: string;
}

/** One HTTPS call with this test's CA and a client certificate (the CA's own unless `cert` says). */
function send(path: string, o: { token?: string; body?: unknown; cert?: Pem }): Promise<Answer> {
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  const cert = o.cert ?? client;
  return new Promise((resolve, reject) => {
    const req = https.request(
      server.url + path,
      {
        method: body ? 'POST' : 'GET',
        ca: tls.ca.cert,
        cert: cert.cert,
        key: cert.key,
        agent: false,
        timeout: 20_000,
        headers: {
          ...(o.token !== undefined ? { authorization: `Bearer ${o.token}` } : {}),
          ...(body
            ? { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            requestId: res.headers['x-request-id'] as string | undefined,
            challenge: res.headers['www-authenticate'] as string | undefined,
            text,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** The state-changing call each surface is asked to make. */
const surfaces = {
  HTTP: (token?: string, cert?: Pem) =>
    send(`${API}/agents`, { token, cert, body: { name: `probe-${now()}` } }),
  MCP: (token?: string, cert?: Pem) =>
    send('/mcp', {
      token,
      cert,
      body: {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 'request_access',
          arguments: { provider: 'mock', role: 'admin', scope: 'x', reason: 'r' },
        },
      },
    }),
};
type Surface = keyof typeof surfaces;

const counts = async () =>
  (
    await sqlRows<{ requests: number; agents: number; principals: number; audit: number }>(
      server.core.deps.db,
      sql`select (select count(*) from requests)::int as requests, (select count(*) from agents)::int as agents,
        (select count(*) from principals)::int as principals, (select count(*) from audit_events)::int as audit`,
    )
  )[0]!;

const payload = () => ({
  iss: idp.issuer,
  aud: idp.audience,
  sub: 'alice',
  email: 'alice@example.com',
  exp: now() + 600,
});
let revokedAgentToken = '';

const tokenCases: [string, () => Promise<string | undefined>][] = [
  ['no token', async () => undefined],
  ['expired', () => idp.mintUserToken('alice@example.com', ['sre'], { exp: now() - 3600 })],
  ['not yet valid', () => idp.mintUserToken('alice@example.com', ['sre'], { nbf: now() + 3600 })],
  [
    'wrong issuer',
    () => idp.mintUserToken('alice@example.com', ['sre'], { iss: 'https://evil.example.com' }),
  ],
  [
    'wrong audience (a token for another resource)',
    () => idp.mintUserToken('alice@example.com', ['sre'], { aud: 'https://other.example.com/api' }),
  ],
  [
    'alg none',
    async () =>
      `${base64url.encode('{"alg":"none","typ":"JWT"}')}.${base64url.encode(JSON.stringify(payload()))}.`,
  ],
  [
    'HS256 signed with the JWKS public key',
    () =>
      new SignJWT(payload())
        .setProtectedHeader({ alg: 'HS256', kid: idp.kid })
        .sign(new TextEncoder().encode(JSON.stringify(idp.publicJwks().keys[0]))),
  ],
  [
    'bad signature (claims swapped under a real signature)',
    async () => {
      const [h, , s] = (await idp.mintUserToken('bob@example.com')).split('.');
      return `${h}.${base64url.encode(JSON.stringify({ ...payload(), email: 'root@example.com' }))}.${s}`;
    },
  ],
  ['unknown kid', () => idp.signToken(payload(), { kid: 'no-such-key' })],
  ['revoked agent token', async () => revokedAgentToken],
  [
    'dev token (signed with this server’s own key) on a production server',
    async () =>
      (
        await mintDevToken(server.core.deps.keys, {
          email: 'root@example.com',
          groups: ['jitsudo-admins'],
          kind: 'human',
          ttl: 3600,
        })
      ).token,
  ],
];

beforeAll(async () => {
  [idp, tls] = await Promise.all([startOidcIdp({ deviceInterval: 1 }), serverTlsFiles('matrix')]);
  const other = await createCa('another CA');
  [client, foreign] = await Promise.all([
    issueCertificate(tls.ca, { commonName: 'laptop', usage: 'client' }),
    issueCertificate(other, { commonName: 'laptop', usage: 'client' }),
  ]);
  server = await startServer({
    config: parseConfig({
      home,
      mode: 'production',
      http: { addr: '127.0.0.1:0' },
      auth: { mode: 'oidc', oidc: { issuer: idp.issuer, audience: idp.audience } },
      database: { url: 'memory://', allow_embedded: true },
      tls: {
        cert_file: tls.certFile,
        key_file: tls.keyFile,
        client_ca_file: tls.caFile,
        client_auth: 'require',
      },
    }),
    log: pino({ level: 'info' }, { write: (s: string) => void logLines.push(s) }),
  });
  // Positive control, and the agent whose revoked token is a case: alice registers it, it works, she revokes it.
  const alice = await idp.mintUserToken('alice@example.com', ['sre']);
  const made = await send(`${API}/agents`, { token: alice, body: { name: 'matrix-bot' } });
  expect(made.status).toBe(201);
  const agent = JSON.parse(made.text) as { token: string; agent: { id: string } };
  expect((await surfaces.MCP(agent.token)).status).toBe(200);
  expect((await send(`${API}/agents/${agent.agent.id}/revoke`, { token: alice, body: {} })).status).toBe(200);
  revokedAgentToken = agent.token;
}, 120_000);
afterAll(async () => {
  await server?.close();
  await idp?.stop();
  if (tls) rmSync(tls.dir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('auth matrix on a production jitsudod (TLS + client certificates, OIDC)', () => {
  it('control: a valid IdP token gets in on both surfaces (so each refusal below is the credential’s)', async () => {
    const token = await idp.mintUserToken('alice@example.com', ['sre']);
    const before = await counts();
    expect((await surfaces.HTTP(token)).status).toBe(201);
    expect((await counts()).agents).toBe(before.agents + 1);
    const mcp = await send('/mcp', { token, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } });
    expect(mcp.status).toBe(200);
  });

  const table = tokenCases.flatMap(([name, make]) =>
    (['HTTP', 'MCP'] as Surface[]).map((surface) => [surface, name, make] as const),
  );
  it.each(table)(
    '%s · %s → 401 UNAUTHENTICATED, WWW-Authenticate Bearer · not audited (no identity): request log line · nothing changed',
    async (surface, _name, make) => {
      const token = await make();
      const before = await counts();
      const logged = logLines.length;
      const r = await surfaces[surface](token);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.text).error.code).toBe('UNAUTHENTICATED');
      expect(r.challenge).toMatch(/^Bearer/);
      expect(await counts()).toEqual(before);
      const mine = logLines.slice(logged);
      const line = mine
        .map((l) => JSON.parse(l))
        .find((l) => l.requestId === r.requestId && l.msg === 'request');
      expect(line).toMatchObject({
        status: 401,
        method: 'POST',
        path: surface === 'HTTP' ? `${API}/agents` : '/mcp',
      });
      if (token) {
        expect(r.text).not.toContain(token);
        expect(mine.join('')).not.toContain(token);
      }
    },
  );

  it('the dev-token endpoint does not exist on a production server: 404, even to a signed-in caller', async () => {
    const token = await idp.mintUserToken('alice@example.com', ['sre']);
    const r = await send(`${API}/auth/dev-token`, { token, body: { email: 'root@example.com' } });
    expect(r.status).toBe(404);
  });

  it.each(['HTTP', 'MCP'] as Surface[])(
    '%s · client certificate from another CA → TLS handshake refused · never reaches the app: a listener log line, no request line, nothing changed',
    async (surface) => {
      const token = await idp.mintUserToken('alice@example.com', ['sre']);
      const before = await counts();
      const logged = logLines.length;
      await expect(surfaces[surface](token, foreign)).rejects.toThrow(
        /unknown ca|certificate|socket hang up|ECONNRESET/i,
      );
      expect(await counts()).toEqual(before);
      expect(logLines.slice(logged).filter((l) => l.includes('"msg":"request"'))).toEqual([]);
      // The listener logs the refused handshake (the event may follow the client's error by a moment).
      await expect
        .poll(
          () =>
            logLines
              .slice(logged)
              .map((l) => JSON.parse(l))
              .find((l) => l.msg === 'TLS handshake refused'),
          {
            timeout: 20_000,
          },
        )
        .toMatchObject({ tls_error: expect.any(String) });
    },
  );

  // Last: the IdP's own refusal. The server cannot see a deletion at the IdP; the refresh is where it bites.
  it('IdP token endpoint · deleted IdP user: the refresh is refused (400 invalid_grant), so no new token reaches the server', async () => {
    idp.accounts.set('carol', { email: 'carol@example.com', groups: ['sre'] });
    const config = await oidc.discovery(new URL(idp.issuer), CLI_CLIENT_ID, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    const da = await oidc.initiateDeviceAuthorization(config, {
      scope: 'openid offline_access email groups',
      resource: idp.audience,
    });
    await confirmDeviceCode(da.verification_uri, da.user_code, 'carol');
    const tokens = await oidc.pollDeviceAuthorizationGrant(config, da, { resource: idp.audience });
    const who = await send(`${API}/auth/whoami`, { token: tokens.access_token });
    expect(JSON.parse(who.text)).toMatchObject({ identity: 'carol@example.com' });
    // While carol exists, the refresh token works (so the refusal below is the deletion's).
    const fresh = await idp.refreshGrant(tokens.refresh_token!);
    expect(fresh.status).toBe(200);

    idp.accounts.delete('carol');
    const before = await counts();
    const refused = await idp.refreshGrant(String(fresh.body.refresh_token ?? tokens.refresh_token));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    expect(refused.body.access_token).toBeUndefined();
    expect(await counts()).toEqual(before);
  });
});
