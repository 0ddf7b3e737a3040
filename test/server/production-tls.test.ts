/**
 * Production mode and TLS over real sockets: start-up refusals naming the key, a production server
 * (OIDC against the in-process IdP) behind TLS and mTLS, plain HTTP refused, certificate reload.
 */

import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigInput, parseConfig } from '../../src/core/config.js';
import { createCa, issueCertificate } from '../../src/server/certificates.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';
import { cleanEnv, jitsudo, tempHome } from '../e2e/support/processes.js';
import { type OidcIdp, startOidcIdp } from '../helpers/oidc-idp.js';
import { httpsRequest, serverTlsFiles, type TlsFiles, writePem } from '../helpers/tls-files.js';
import { JITSUDO_BIN } from '../mcp-stdio/support.js';

const home = mkdtempSync(join(tmpdir(), 'jitsudo-prod-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const production = (extra: Record<string, unknown>) =>
  parseConfig({
    home,
    mode: 'production',
    log: { level: 'silent' },
    auth: { mode: 'oidc', oidc: { issuer: 'https://idp.example.com', audience: 'jitsudo' } },
    database: { url: 'postgres://postgres@127.0.0.1:5432/test' },
    ...extra,
  } as ConfigInput);

describe('production mode refuses to start on a dev setting, naming the key', () => {
  it.each([
    [
      'dev identity',
      { auth: { mode: 'dev' } },
      /invalid config key auth\.mode: production mode requires "oidc"/,
    ],
    [
      'the embedded database',
      { database: { url: 'memory://' } },
      /invalid config key database\.url: production mode needs PostgreSQL.*database\.allow_embedded/,
    ],
    ['the mock provider', { providers: { mock: {} } }, /invalid config key providers\.mock/],
    [
      'a non-loopback address without TLS',
      { http: { addr: '0.0.0.0:0' } },
      /invalid config key tls\.cert_file: production mode on the non-loopback address "0\.0\.0\.0:0" requires TLS/,
    ],
    [
      'behind_tls_proxy without the proxy addresses',
      { http: { addr: '0.0.0.0:0', behind_tls_proxy: true } },
      /invalid config key http\.trusted_proxies/,
    ],
    [
      'a certificate without its key',
      { tls: { cert_file: '/etc/hostname' } },
      /invalid config key tls\.key_file/,
    ],
    [
      'client_auth without a client CA',
      { tls: { cert_file: '/etc/hostname', key_file: '/etc/hostname', client_auth: 'require' } },
      /invalid config key tls\.client_ca_file/,
    ],
  ])('%s', async (_name, extra, message) => {
    await expect(startServer({ config: production(extra) })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(message),
    });
  });
});

describe('a production server over TLS with mTLS (OIDC from the in-process IdP)', () => {
  let idp: OidcIdp;
  let tls: TlsFiles;
  let server: RunningServer;
  let client: { cert: string; key: string };
  let foreign: { cert: string; key: string };
  const path = '/api/v1alpha1/auth/whoami';

  beforeAll(async () => {
    idp = await startOidcIdp();
    tls = await serverTlsFiles('mtls');
    client = await issueCertificate(tls.ca, {
      commonName: 'deployer',
      uris: ['spiffe://example.org/ns/ci/sa/deployer'],
      usage: 'client',
    });
    const other = await createCa('someone else');
    foreign = await issueCertificate(other, { commonName: 'deployer', usage: 'client' });
    server = await startServer({
      config: parseConfig({
        home,
        mode: 'production',
        log: { level: 'silent' },
        http: { addr: '127.0.0.1:0' },
        auth: { mode: 'oidc', oidc: { issuer: idp.issuer, audience: idp.audience } },
        database: { url: 'memory://', allow_embedded: true },
        tls: {
          cert_file: tls.certFile,
          key_file: tls.keyFile,
          client_ca_file: tls.caFile,
          client_auth: 'require',
          client_identity: { enabled: true, allowed_prefixes: ['spiffe://example.org/'] },
        },
      }),
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await idp?.stop();
    rmSync(tls.dir, { recursive: true, force: true });
  });

  it('serves https: a person signed in at the IdP is known through a client certificate of the CA', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const token = await idp.mintUserToken('alice@example.com', ['sre']);
    const r = await httpsRequest(server.url + path, {
      ca: tls.ca.cert,
      ...client,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ identity: 'alice@example.com', kind: 'human' });
  });

  it('maps a verified certificate without a bearer token to a service principal by its SPIFFE ID', async () => {
    const r = await httpsRequest(server.url + path, { ca: tls.ca.cert, ...client });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({
      identity: 'service:spiffe://example.org/ns/ci/sa/deployer',
      kind: 'service',
      is_admin: false,
    });
    // A certificate of the same CA whose names are under no allowed prefix is no principal.
    const stranger = await issueCertificate(tls.ca, {
      commonName: 'other',
      uris: ['spiffe://elsewhere.org/ns/x/sa/y'],
      dns: ['build.example.net'],
      usage: 'client',
    });
    const refused = await httpsRequest(server.url + path, { ca: tls.ca.cert, ...stranger });
    expect(refused.status).toBe(401);
  });

  it('has no dev-token endpoint: 404 even to a signed-in caller', async () => {
    const token = await idp.mintUserToken('alice@example.com', ['sre']);
    const r = await httpsRequest(`${server.url}/api/v1alpha1/auth/dev-token`, {
      ca: tls.ca.cert,
      ...client,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(404);
  });

  it('refuses a connection without a client certificate', async () => {
    await expect(httpsRequest(server.url + path, { ca: tls.ca.cert })).rejects.toThrow(
      /certificate required|socket hang up|ECONNRESET|handshake/i,
    );
  });

  it('refuses a client certificate from another CA', async () => {
    await expect(httpsRequest(server.url + path, { ca: tls.ca.cert, ...foreign })).rejects.toThrow(
      /unknown ca|certificate|socket hang up|ECONNRESET/i,
    );
  });

  it('jitsudo status reaches it with JITSUDO_CA_FILE and a client certificate, and not without one', {
    timeout: 60_000,
  }, async () => {
    const token = await idp.mintUserToken('alice@example.com', ['sre']);
    const files = writePem(tls.dir, 'cli-client', client);
    const home = tempHome('cli-mtls');
    const env = { JITSUDO_TOKEN: token, JITSUDO_CA_FILE: tls.caFile };
    const ok = await jitsudo(['status', '-o', 'json'], {
      home,
      server: server.url,
      env: { ...env, JITSUDO_CLIENT_CERT_FILE: files.cert, JITSUDO_CLIENT_KEY_FILE: files.key },
    });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toBeInstanceOf(Object);
    const noCert = await jitsudo(['status'], { home, server: server.url, env });
    expect(noCert.code).not.toBe(0);
    expect(noCert.stderr).toMatch(/cannot reach jitsudod/);
    const noCa = await jitsudo(['status'], { home, server: server.url, env: { JITSUDO_TOKEN: token } });
    expect(noCa.code).not.toBe(0);
  });

  it('jitsudo mcp (the stdio bridge) reaches it with JITSUDO_CA_FILE and a client certificate', {
    timeout: 90_000,
  }, async () => {
    const token = await idp.mintUserToken('alice@example.com', ['sre']);
    const files = writePem(tls.dir, 'bridge-client', client);
    const bridge = (extra: Record<string, string>) =>
      new StdioClientTransport({
        command: process.execPath,
        args: [JITSUDO_BIN, 'mcp', '--server', server.url],
        env: cleanEnv({ JITSUDO_TOKEN: token, JITSUDO_HOME: tempHome('bridge-mtls'), ...extra }) as Record<
          string,
          string
        >,
        stderr: 'pipe',
      });
    const mcp = new Client({ name: 'bridge-tls-test', version: '1' });
    await mcp.connect(
      bridge({
        JITSUDO_CA_FILE: tls.caFile,
        JITSUDO_CLIENT_CERT_FILE: files.cert,
        JITSUDO_CLIENT_KEY_FILE: files.key,
      }),
    );
    try {
      const tools = await mcp.listTools();
      expect(tools.tools.map((t) => t.name)).toContain('list_eligible_access');
      const r = await mcp.callTool({ name: 'list_eligible_access', arguments: {} });
      expect(r.isError).toBeFalsy();
      expect(JSON.stringify(r)).not.toContain(token);
    } finally {
      await mcp.close();
    }
    // Without the client certificate the handshake is refused: the bridge cannot list tools.
    const refused = new Client({ name: 'bridge-tls-test', version: '1' });
    const failed = await refused
      .connect(bridge({ JITSUDO_CA_FILE: tls.caFile }))
      .then(() => refused.listTools())
      .then(
        () => false,
        () => true,
      )
      .finally(() => refused.close());
    expect(failed).toBe(true);
  });

  it('refuses plain HTTP on the TLS port', async () => {
    const plain = server.url.replace('https:', 'http:') + path;
    const outcome = await new Promise<string>((resolve) => {
      const req = http.get(plain, { agent: false, timeout: 20_000 }, (res) =>
        resolve(`status ${res.statusCode}`),
      );
      req.on('error', (e) => resolve(`error ${e.message}`));
      req.on('timeout', () => req.destroy(new Error('timeout')));
    });
    expect(outcome).toMatch(/^error /);
  });

  it('behind a TLS proxy, closes connections from anyone but the trusted proxies', {
    timeout: 240_000,
  }, async () => {
    const proxied = (proxies: string[]) =>
      startServer({
        config: parseConfig({
          home: mkdtempSync(join(tmpdir(), 'jitsudo-proxied-')),
          mode: 'production',
          log: { level: 'silent' },
          http: { addr: '127.0.0.1:0', behind_tls_proxy: true, trusted_proxies: proxies },
          auth: { mode: 'oidc', oidc: { issuer: idp.issuer, audience: idp.audience } },
          database: { url: 'memory://', allow_embedded: true },
        }),
      });
    const plainGet = (url: string) =>
      new Promise<string>((resolve) => {
        const req = http.get(url, { agent: false, timeout: 20_000 }, (res) => {
          res.resume();
          resolve(`status ${res.statusCode}`);
        });
        req.on('error', (e) => resolve(`error ${e.message}`));
        req.on('timeout', () => req.destroy(new Error('timeout')));
      });
    // Two servers at once: each opens its own embedded database (slow on a loaded machine).
    const [elsewhere, trusted] = await Promise.all([proxied(['10.9.9.9']), proxied(['127.0.0.1'])]);
    try {
      expect(await plainGet(`${elsewhere.url}/healthz`)).toMatch(/^error /);
      expect(await plainGet(`${trusted.url}/healthz`)).toBe('status 200');
    } finally {
      await elsewhere.close();
      await trusted.close();
    }
  });

  it('serves a replaced certificate without a restart', async () => {
    const before = await httpsRequest(server.url + path, { ca: tls.ca.cert, ...client });
    const renewed = await issueCertificate(tls.ca, {
      commonName: 'localhost renewed',
      dns: ['localhost'],
      ips: ['127.0.0.1'],
      usage: 'server',
    });
    // As a renewer does it: new files renamed over the old ones.
    const staged = writePem(tls.dir, 'staged', renewed);
    renameSync(staged.key, tls.keyFile);
    renameSync(staged.cert, tls.certFile);
    expect(readFileSync(tls.certFile, 'utf8')).toBe(renewed.cert);
    const deadline = Date.now() + 30_000;
    let serial = before.peer.serialNumber;
    while (serial === before.peer.serialNumber && Date.now() < deadline) {
      serial = (await httpsRequest(server.url + path, { ca: tls.ca.cert, ...client })).peer.serialNumber;
      if (serial === before.peer.serialNumber) await new Promise((r) => setTimeout(r, 100));
    }
    expect(serial).not.toBe(before.peer.serialNumber);
    const after = await httpsRequest(server.url + path, { ca: tls.ca.cert, ...client });
    expect(after.peer.subject.CN).toBe('localhost renewed');
  }, 60_000);
});
