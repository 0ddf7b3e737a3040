/**
 * /mcp as an OAuth 2.1 protected resource (MCP authorization 2025-11-25, ADR 0043), over real HTTP:
 * jitsudod in OIDC mode (audience = this server's URL, scope `jitsudo` required) and the in-process
 * IdP. The official SDK client with an OAuthClientProvider finds the metadata from the 401, signs
 * alice in (the test plays the browser through the IdP's own pages) and acts as her; refused tokens
 * get the right challenge and change nothing; agent tokens and mTLS client certificates work too.
 * One server and IdP for the file, on PostgreSQL when TEST_DATABASE_URL is set (what production
 * mode runs on), else PGlite: the subject here is authorization, not the database.
 */
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformation, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { base64url, decodeJwt } from 'jose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { createAuthenticator } from '../../src/core/identity/index.js';
import { createApp } from '../../src/http/app.js';
import type { HttpVerbs } from '../../src/http/core-port.js';
import { issueCertificate } from '../../src/server/certificates.js';
import { coreApp } from '../../src/server/core-app.js';
import { type Stack, startStack } from '../helpers/app-stack.js';
import { testDatabases } from '../helpers/db.js';
import { callTool, ok, textOf } from '../helpers/mcp-client.js';
import { authorize } from '../helpers/oidc-browser.js';
import { CLI_CLIENT_ID, type OidcIdp, startOidcIdp } from '../helpers/oidc-idp.js';
import { type Served, serveApp } from '../helpers/real-http.js';
import { serverTlsFiles, type TlsFiles } from '../helpers/tls-files.js';

const REDIRECT = 'http://127.0.0.1/callback';
const SPIFFE = 'spiffe://example.org/ns/ci/sa/deployer';
const now = () => Math.floor(Date.now() / 1000);

/** A public client pre-registered at the IdP (`jitsudo-cli`); what a desktop MCP client keeps. */
class TestOAuthClient implements OAuthClientProvider {
  saved?: OAuthTokens;
  authorizationUrl?: URL;
  readonly expectedState = base64url.encode(randomBytes(16));
  #verifier?: string;
  get redirectUrl() {
    return REDIRECT;
  }
  get clientMetadata() {
    return {
      client_name: 'jitsudo oauth test',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    return this.expectedState;
  }
  clientInformation(): OAuthClientInformation {
    return { client_id: CLI_CLIENT_ID };
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    if (!this.#verifier) throw new Error('no code verifier saved');
    return this.#verifier;
  }
}

describe('MCP authorization: /mcp as an OAuth protected resource in OIDC mode', () => {
  let idp: OidcIdp;
  let stack: Stack;
  let served: Served;
  let secure: { url: string; close(): Promise<void> };
  let tls: TlsFiles;
  const logLines: string[] = [];
  // The app is built once the server's URL (the resource, hence the audience) is known.
  let handler: (req: Request, env?: unknown) => Response | Promise<Response> = () =>
    new Response('starting', { status: 503 });

  beforeAll(async () => {
    served = await serveApp({ fetch: (req: Request, env?: unknown) => handler(req, env) });
    idp = await startOidcIdp({ audience: served.url });
    stack = await startStack(testDatabases().at(-1)!, {
      agentTokens: true,
      config: {
        catalog: [
          { provider: 'mock', role: 'deployer', scopes: ['dev'], description: 'deploy' },
          { provider: 'mock', role: 'ReadOnlyAccess', scopes: ['dev'], description: 'read' },
        ],
        auth: {
          mode: 'oidc',
          oidc: {
            issuer: idp.issuer,
            audience: served.url,
            client_id: CLI_CLIENT_ID,
            http_timeout_ms: 1500,
            required_scopes: ['jitsudo'],
          },
        },
        tls: { client_identity: { enabled: true, allowed_prefixes: ['spiffe://example.org/'] } },
      },
    });
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, done) {
          logLines.push(String(chunk));
          done();
        },
      }),
    );
    const app = coreApp(stack.core, log);
    handler = (req, env) => app.fetch(req, env as never);

    // The same app behind mTLS: a client certificate of the CA is required at the handshake.
    tls = await serverTlsFiles('mcp-oauth');
    const files = await import('node:fs');
    const server = serve({
      fetch: app.fetch,
      hostname: '127.0.0.1',
      port: 0,
      createServer: https.createServer,
      serverOptions: {
        key: files.readFileSync(tls.keyFile),
        cert: files.readFileSync(tls.certFile),
        ca: files.readFileSync(tls.caFile),
        requestCert: true,
        rejectUnauthorized: true,
      },
    });
    await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())));
    secure = {
      url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () =>
        new Promise<void>((done) => {
          (server as https.Server).closeAllConnections();
          server.close(() => done());
        }),
    };
  });
  afterAll(async () => {
    await secure?.close();
    await served?.close();
    await stack?.close();
    await idp?.stop();
    if (tls) (await import('node:fs')).rmSync(tls.dir, { recursive: true, force: true });
  });

  const metadataUrl = () => `${served.url}/.well-known/oauth-protected-resource`;
  const counts = async () => ({
    requests: (await stack.rows('select count(*)::int as n from requests'))[0]!.n,
    audit: (await stack.rows('select count(*)::int as n from audit_events'))[0]!.n,
  });
  const askBody = {
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: {
      name: 'request_access',
      arguments: { provider: 'mock', role: 'deployer', scope: 'dev', reason: 'deploy the fix' },
    },
  };
  const postMcp = (token?: string, body: unknown = askBody) =>
    fetch(`${served.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
  const aliceToken = (claims: Record<string, unknown> = {}) =>
    idp.mintUserToken('alice@example.com', ['sre'], { scope: 'openid email jitsudo', ...claims });

  test('serves RFC 9728 metadata at the root and the path-suffixed /mcp form', async () => {
    for (const path of ['', '/mcp']) {
      const res = await fetch(`${metadataUrl()}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(await res.json()).toEqual({
        resource: served.url,
        authorization_servers: [idp.issuer],
        bearer_methods_supported: ['header'],
        scopes_supported: ['jitsudo'],
        resource_name: 'jitsudo',
      });
    }
    // `jitsudo login` learns the scope to ask for where it learns the issuer.
    const cfg = await (await fetch(`${served.url}/api/v1alpha1/auth/config`)).json();
    expect(cfg).toMatchObject({ audience: served.url, required_scopes: ['jitsudo'] });
    // A browser-based client's preflight (it sends MCP-Protocol-Version).
    const pre = await fetch(metadataUrl(), { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/mcp-protocol-version/);
  });

  test('no token: 401 naming the metadata, without an error attribute, on /mcp and the API', async () => {
    const before = await counts();
    for (const res of [await postMcp(), await fetch(`${served.url}/api/v1alpha1/auth/whoami`)]) {
      expect(res.status).toBe(401);
      const challenge = res.headers.get('www-authenticate')!;
      expect(challenge).toMatch(/^Bearer /);
      expect(challenge).toContain(`resource_metadata="${metadataUrl()}"`);
      expect(challenge).not.toContain('error=');
    }
    expect(await counts()).toEqual(before);
  });

  test('the SDK client signs alice in through the IdP (code + PKCE + resource) and acts as her', async () => {
    const seen: { url: string; body: string }[] = [];
    const recording = async (url: string | URL, init?: RequestInit) => {
      seen.push({
        url: String(url),
        body: typeof init?.body === 'string' ? init.body : String(init?.body ?? ''),
      });
      return fetch(url, init);
    };
    const oauth = new TestOAuthClient();
    const mcpUrl = new URL(`${served.url}/mcp`);
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: oauth, fetch: recording });
    await expect(new Client({ name: 'oauth-test', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    await first.close();
    // Discovery went 401 → the metadata it named → the IdP's metadata.
    // The URL the challenge named, not the path-suffixed one a client probes when none is named.
    expect(seen.map((s) => s.url)).toContain(metadataUrl());
    expect(seen.map((s) => s.url)).not.toContain(`${metadataUrl()}/mcp`);
    const asked = oauth.authorizationUrl!;
    expect(asked.origin).toBe(idp.issuer);
    expect(asked.searchParams.get('resource')).toBe(served.url);
    expect(asked.searchParams.get('scope')).toBe('jitsudo');
    expect(asked.searchParams.get('code_challenge_method')).toBe('S256');
    expect(asked.searchParams.get('client_id')).toBe(CLI_CLIENT_ID);

    const callback = await authorize(asked, 'alice');
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(callback.searchParams.get('state')).toBe(oauth.expectedState);
    await first.finishAuth(callback.searchParams.get('code')!);
    const tokenCall = seen.find((s) => s.body.includes('grant_type=authorization_code'));
    expect(new URLSearchParams(tokenCall!.body).get('resource')).toBe(served.url);
    const claims = decodeJwt(oauth.saved!.access_token);
    expect(claims).toMatchObject({ aud: served.url, iss: idp.issuer, email: 'alice@example.com' });

    const client = new Client({ name: 'oauth-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: oauth }));
    try {
      const eligible = ok(await callTool(client, 'list_eligible_access'));
      expect(JSON.stringify(eligible)).toContain('deployer');
      const asked = ok(
        await callTool(client, 'request_access', {
          provider: 'mock',
          role: 'deployer',
          scope: 'dev',
          reason: 'ship the hotfix',
        }),
      );
      expect(asked.request.requester).toMatchObject({ identity: 'alice@example.com', kind: 'human' });
      const audit = await stack.rows(
        `select actor, actor_kind, action from audit_events where request_id = '${asked.request.id}' order by id limit 1`,
      );
      expect(audit[0]).toMatchObject({
        actor: 'alice@example.com',
        actor_kind: 'human',
        action: 'request.created',
      });
    } finally {
      await client.close();
    }
  });

  const payload = () => ({
    iss: idp.issuer,
    aud: served.url,
    sub: 'alice',
    email: 'alice@example.com',
    scope: 'jitsudo',
    exp: now() + 600,
  });
  const refused: [string, () => Promise<string>][] = [
    ['expired', () => aliceToken({ exp: now() - 3600 })],
    ['issued for another resource', () => aliceToken({ aud: 'https://other.example.com/mcp' })],
    [
      'a bad signature',
      async () => {
        const [h, , s] = (await aliceToken()).split('.');
        return `${h}.${base64url.encode(JSON.stringify({ ...payload(), email: 'root@example.com' }))}.${s}`;
      },
    ],
  ];
  test.each(refused)(
    'a token %s: 401 invalid_token naming the metadata; nothing changed',
    async (_n, make) => {
      const token = await make();
      const before = await counts();
      const logged = logLines.length;
      const res = await postMcp(token);
      expect(res.status).toBe(401);
      const challenge = res.headers.get('www-authenticate')!;
      expect(challenge).toContain(`resource_metadata="${metadataUrl()}"`);
      expect(challenge).toContain('error="invalid_token"');
      const text = await res.text();
      expect(JSON.parse(text).error.code).toBe('UNAUTHENTICATED');
      expect(text).not.toContain(token);
      expect(await counts()).toEqual(before);
      // The refusal is the request log's warn line (auth failures are logged, not audited: ADR 0043).
      const line = logLines.slice(logged).find((l) => l.includes('"path":"/mcp"'));
      expect(JSON.parse(line!)).toMatchObject({ status: 401, method: 'POST' });
      expect(logLines.slice(logged).join('')).not.toContain(token);
    },
  );

  test('a token without the required scope: 403 insufficient_scope naming the scope; nothing changed', async () => {
    const token = await aliceToken({ scope: 'openid email groups' });
    const before = await counts();
    for (const res of [
      await postMcp(token),
      await fetch(`${served.url}/api/v1alpha1/auth/whoami`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    ]) {
      expect(res.status).toBe(403);
      const challenge = res.headers.get('www-authenticate')!;
      expect(challenge).toContain('error="insufficient_scope"');
      expect(challenge).toContain('scope="jitsudo"');
      expect(challenge).toContain(`resource_metadata="${metadataUrl()}"`);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
    expect(await counts()).toEqual(before);
    // Entra/Okta spell it `scp` (an array): that counts.
    const scp = await aliceToken({ scope: undefined, scp: ['jitsudo'] });
    expect((await postMcp(scp, { jsonrpc: '2.0', id: 2, method: 'tools/list' })).status).toBe(200);
  });

  test('the SDK client reads the 403 challenge and asks the IdP again for the scope it names', async () => {
    const oauth = new TestOAuthClient();
    oauth.saved = { access_token: await aliceToken({ scope: 'openid email' }), token_type: 'Bearer' };
    const transport = new StreamableHTTPClientTransport(new URL(`${served.url}/mcp`), {
      authProvider: oauth,
    });
    await expect(new Client({ name: 'step-up', version: '1.0.0' }).connect(transport)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    await transport.close();
    expect(oauth.authorizationUrl?.searchParams.get('scope')).toBe('jitsudo');
    expect(oauth.authorizationUrl?.searchParams.get('resource')).toBe(served.url);
  });

  test('an agent token keeps working as a bearer token on /mcp', async () => {
    const { token } = await stack.agent('oauth-bot', 'alice@example.com');
    const client = new Client({ name: 'agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${served.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const r = await callTool(client, 'request_access', {
        provider: 'mock',
        role: 'ReadOnlyAccess',
        scope: 'dev',
        reason: 'read the deploy logs',
      });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(ok(r).request.requester).toMatchObject({ identity: 'agent:oauth-bot', kind: 'agent' });
    } finally {
      await client.close();
    }
  });

  test('a verified mTLS client certificate is a service principal on /mcp (no bearer token)', async () => {
    const cert = await issueCertificate(tls.ca, { commonName: 'deployer', uris: [SPIFFE], usage: 'client' });
    const client = new Client({ name: 'workload', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${secure.url}/mcp`), {
        fetch: (url, init) => httpsFetch(String(url), init, { ca: tls.ca.cert, ...cert }),
      }),
    );
    try {
      const asked = ok(
        await callTool(client, 'request_access', {
          provider: 'mock',
          role: 'ReadOnlyAccess',
          scope: 'dev',
          reason: 'read the deploy logs',
        }),
      );
      expect(asked.request.requester).toMatchObject({ identity: `service:${SPIFFE}`, kind: 'service' });
    } finally {
      await client.close();
    }
    // A certificate of the CA under no allowed prefix is no principal: 401, as on the API.
    const stranger = await issueCertificate(tls.ca, {
      commonName: 'x',
      uris: ['spiffe://elsewhere.org/x'],
      usage: 'client',
    });
    const res = await httpsFetch(
      `${secure.url}/mcp`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      },
      { ca: tls.ca.cert, ...stranger },
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).not.toContain('error=');
  });
});

describe('dev identity mode: no protected-resource metadata', () => {
  test('404 for the metadata; 401s carry a plain Bearer challenge', async () => {
    const config = parseConfig({ home: '/nonexistent-jitsudo-home' });
    const app = createApp({
      verbs: {} as HttpVerbs,
      authenticator: createAuthenticator({ config, keys: { tokenKey: new Uint8Array(32) } }),
    });
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp'])
      expect((await app.request(`http://127.0.0.1${path}`)).status).toBe(404);
    const res = await app.request('http://127.0.0.1/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="jitsudo", error="invalid_token"');
  });
});

/** fetch over node:https with a private CA and a client certificate (global fetch cannot present one). */
function httpsFetch(
  url: string,
  init: RequestInit | undefined,
  tlsOpts: { ca: string; cert: string; key: string },
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const req = https.request(
      url,
      { method: init?.method ?? 'GET', headers, agent: false, timeout: 20_000, ...tlsOpts },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          const status = res.statusCode ?? 0;
          const body = status === 202 || status === 204 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers: h }));
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(typeof init?.body === 'string' ? init.body : undefined);
  });
}
