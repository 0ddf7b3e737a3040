/**
 * `jitsudo login` for real: the CLI binary as a child process signs in at the in-process IdP
 * (oidc-provider) through the device flow and through authorization code + PKCE with a loopback
 * redirect, the test playing the browser over HTTP against the provider's own pages. jitsudod runs in
 * production mode over TLS with mTLS required, so every call also proves the TLS files reach it.
 * Then: refresh with rotation, a revoked refresh token, a deleted IdP user, logout revocation, and
 * the --ca-file/--client-cert/--client-key flags winning over the environment.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { parseConfig } from '../../src/core/config.js';
import { createCa, issueCertificate } from '../../src/server/certificates.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';
import { type CliResult, cleanEnv, jitsudo, ROOT, tempHome } from '../e2e/support/processes.js';
import { authorize, confirmDeviceCode } from '../helpers/oidc-browser.js';
import { CLI_CLIENT_ID, type OidcIdp, startOidcIdp } from '../helpers/oidc-idp.js';
import { serverTlsFiles, type TlsFiles, writePem } from '../helpers/tls-files.js';

let idp: OidcIdp;
let tls: TlsFiles;
let server: RunningServer;
let clientFiles: { cert: string; key: string };
let foreignCaFile: string;
const serverHome = mkdtempSync(join(tmpdir(), 'jitsudo-login-oidc-'));

beforeAll(async () => {
  idp = await startOidcIdp({ deviceInterval: 1 });
  tls = await serverTlsFiles('login');
  clientFiles = writePem(
    tls.dir,
    'client',
    await issueCertificate(tls.ca, { commonName: 'cli', usage: 'client' }),
  );
  const other = await createCa('someone else');
  foreignCaFile = join(tls.dir, 'foreign-ca.crt');
  writeFileSync(foreignCaFile, other.cert, { mode: 0o600 });
  server = await startServer({
    config: parseConfig({
      home: serverHome,
      mode: 'production',
      log: { level: 'silent' },
      http: { addr: '127.0.0.1:0' },
      auth: { mode: 'oidc', oidc: { issuer: idp.issuer, audience: idp.audience, client_id: CLI_CLIENT_ID } },
      database: { url: 'memory://', allow_embedded: true },
      tls: {
        cert_file: tls.certFile,
        key_file: tls.keyFile,
        client_ca_file: tls.caFile,
        client_auth: 'require',
      },
    }),
  });
});
afterAll(async () => {
  await server?.close();
  await idp?.stop();
  rmSync(serverHome, { recursive: true, force: true });
  if (tls) rmSync(tls.dir, { recursive: true, force: true });
});

/** The TLS files through the environment (the flags have their own test). */
const tlsEnv = () => ({
  JITSUDO_CA_FILE: tls.caFile,
  JITSUDO_CLIENT_CERT_FILE: clientFiles.cert,
  JITSUDO_CLIENT_KEY_FILE: clientFiles.key,
});
const cli = (home: string, args: string[], env: Record<string, string> = {}) =>
  jitsudo(args, { home, server: server.url, env: { ...tlsEnv(), ...env } });

interface Running {
  /** Resolves once stderr matches `re`; fails after 60 s. */
  waitFor(re: RegExp): Promise<RegExpMatchArray>;
  done: Promise<CliResult>;
}

/** Starts `jitsudo <args>` and lets the test read its stderr while it runs (it is waiting for a person). */
function startCli(home: string, args: string[], env: Record<string, string> = {}): Running {
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'jitsudo.js'), ...args], {
    env: cleanEnv({ JITSUDO_HOME: home, JITSUDO_SERVER: server.url, ...tlsEnv(), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => {
    stdout += d;
  });
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<CliResult>((res, rej) => {
    proc.once('error', rej);
    proc.once('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
  return {
    done,
    async waitFor(re) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const m = re.exec(stderr);
        if (m) return m;
        if (proc.exitCode !== null || Date.now() > deadline)
          throw new Error(`no ${re} on stderr (exit ${proc.exitCode}):\n${stderr}\n${stdout}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

const DEVICE_LINE = /open (\S+) and enter the code: (\S+)/;

/** `jitsudo login` (device flow) confirmed at the IdP as `account`; returns the finished process. */
async function deviceLogin(home: string, account: string, extra: string[] = []): Promise<CliResult> {
  const run = startCli(home, ['login', ...extra]);
  const [, uri, code] = await run.waitFor(DEVICE_LINE);
  await confirmDeviceCode(uri!, code!, account);
  return run.done;
}

const credsOf = (home: string) =>
  parseYaml(readFileSync(join(home, 'credentials'), 'utf8')) as Record<string, string>;

/** Nothing secret in what the user sees. */
const noTokens = (r: CliResult, ...tokens: (string | undefined)[]) => {
  for (const t of tokens.filter(Boolean)) {
    expect(r.stdout).not.toContain(t);
    expect(r.stderr).not.toContain(t);
  }
};

// Each test has its own JITSUDO_HOME and its own IdP grant, so these run side by side (most of the
// time is CLI process start-up). The two that shorten the IdP's token lifetime run after, one by one.
describe.concurrent('jitsudo login against an OIDC jitsudod', { timeout: 240_000 }, () => {
  it('device flow end to end: the code is printed, confirmed at the IdP, tokens saved 0600, whoami works', async () => {
    const home = tempHome('oidc-device');
    const r = await deviceLogin(home, 'alice', ['-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Waiting for you to confirm/);
    expect(JSON.parse(r.stdout)).toMatchObject({
      identity: 'alice@example.com',
      kind: 'oidc',
      groups: ['sre'],
      issuer: idp.issuer,
      server: server.url,
      refreshable: true,
    });
    const file = join(home, 'credentials');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const c = credsOf(home);
    expect(c).toMatchObject({
      kind: 'oidc',
      email: 'alice@example.com',
      issuer: idp.issuer,
      client_id: CLI_CLIENT_ID,
      audience: idp.audience,
      server_url: server.url,
    });
    expect(c.refresh_token).toBeTruthy();
    // The access token is for jitsudod (RFC 8707 resource), not for the IdP's userinfo.
    expect(JSON.parse(Buffer.from(c.token!.split('.')[1]!, 'base64url').toString()).aud).toBe(idp.audience);
    noTokens(r, c.token, c.refresh_token);

    const me = await cli(home, ['whoami', '-o', 'json']);
    expect(me.code, me.stderr).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({
      identity: 'alice@example.com',
      kind: 'human',
      groups: ['sre'],
      is_admin: false,
      server: server.url,
      login: 'oidc',
      issuer: idp.issuer,
      expires_at: c.expires_at,
    });
    const table = await cli(home, ['whoami']);
    expect(table.stdout).toMatch(/Login:\s+oidc/);
    expect(table.stdout).toMatch(/Expires:\s+\d{4}-/);
    // A token with minutes left is used as it is: no refresh, the file is unchanged.
    expect(credsOf(home)).toEqual(c);
  });

  it('device flow: a person who aborts at the IdP gets exit 4; an expired code exit 10; nothing saved', async () => {
    const home = tempHome('oidc-denied');
    const run = startCli(home, ['login']);
    const [, uri, code] = await run.waitFor(DEVICE_LINE);
    await confirmDeviceCode(uri!, code!, 'alice', { deny: true });
    const r = await run.done;
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^error: sign-in was denied .*access_denied/);
    expect(existsSync(join(home, 'credentials'))).toBe(false);

    // A second IdP whose device codes live 2 s (chosen with --issuer; jitsudod is never reached).
    const shortIdp = await startOidcIdp({ deviceInterval: 1, deviceCodeTtl: 2 });
    try {
      const late = await cli(home, ['login', '--issuer', shortIdp.issuer]);
      expect(late.code).toBe(10);
      expect(late.stderr.trim().split('\n').at(-1)).toMatch(
        /^error: the sign-in code expired .*jitsudo login/,
      );
      expect(existsSync(join(home, 'credentials'))).toBe(false);
    } finally {
      await shortIdp.stop();
    }
  });

  it('authorization code + PKCE: the browser is opened with the URL, the loopback gets the code; a wrong state is refused', async () => {
    const home = tempHome('oidc-browser');
    // The "browser" is a script: it records the URL it is asked to open; the test then acts as the browser.
    const opened = join(home, 'opened-url');
    const opener = join(mkdtempSync(join(tmpdir(), 'jitsudo-opener-')), 'open.sh');
    writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
    chmodSync(opener, 0o700);
    const waitOpened = async () => {
      for (let i = 0; i < 1200 && !existsSync(opened); i++) await new Promise((r) => setTimeout(r, 50));
      const url = new URL(readFileSync(opened, 'utf8'));
      rmSync(opened);
      return url;
    };

    const run = startCli(home, ['login', '--flow', 'browser'], { JITSUDO_BROWSER: opener });
    const url = await waitOpened();
    await run.waitFor(/If it does not open, visit:/);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('resource')).toBe(idp.audience);
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const callback = await authorize(url, 'bob');
    const page = await fetch(callback);
    expect(page.status).toBe(200);
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Logged in as bob@example\.com \(groups: dev\)/);
    const me = await cli(home, ['whoami', '-o', 'json']);
    expect(JSON.parse(me.stdout)).toMatchObject({ identity: 'bob@example.com', login: 'oidc' });
    noTokens(r, credsOf(home).token, credsOf(home).refresh_token);

    // A redirect carrying another state (a forged or stale answer) ends the login; nothing is saved.
    const home2 = tempHome('oidc-state');
    const forged = startCli(home2, ['login', '--flow', 'browser'], { JITSUDO_BROWSER: opener });
    const url2 = await waitOpened();
    const cb2 = await authorize(url2, 'bob');
    cb2.searchParams.set('state', 'not-the-state-of-this-login');
    expect((await fetch(cb2)).status).toBe(400);
    const refused = await forged.done;
    expect(refused.code).toBe(3);
    expect(refused.stderr.trim().split('\n').at(-1)).toMatch(
      /^error: the sign-in answer did not carry this login.s state/,
    );
    expect(existsSync(join(home2, 'credentials'))).toBe(false);
  });

  it('logout revokes the refresh token at the IdP and removes the file; an unreachable IdP still forgets locally', async () => {
    const home = tempHome('oidc-logout');
    expect((await deviceLogin(home, 'bob')).code).toBe(0);
    const live = credsOf(home);
    const out = await cli(home, ['logout']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(
      /Logged out \(revoked the session at http:\/\/127\.0\.0\.1:\d+; removed .*credentials\)/,
    );
    expect(existsSync(join(home, 'credentials'))).toBe(false);
    expect(await idp.refreshGrant(live.refresh_token!)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect((await cli(home, ['whoami'])).code).toBe(3);

    const offline = tempHome('oidc-logout-offline');
    writeFileSync(
      join(offline, 'credentials'),
      stringify({ ...live, issuer: 'http://127.0.0.1:9', token: 'x', refresh_token: 'secret-refresh-value' }),
      { mode: 0o600 },
    );
    const off = await cli(offline, ['logout']);
    expect(off.code).toBe(0);
    expect(off.stderr).toMatch(
      /^warning: cannot reach the identity provider http:\/\/127\.0\.0\.1:9 .*forgotten here only/,
    );
    expect(off.stdout).toMatch(/^Logged out \(removed /);
    expect(existsSync(join(offline, 'credentials'))).toBe(false);
    noTokens(off, 'secret-refresh-value');
  });

  it('--ca-file/--client-cert/--client-key reach the HTTPS jitsudod and win over the environment', async () => {
    const home = tempHome('oidc-flags');
    expect((await deviceLogin(home, 'alice')).code).toBe(0);
    const wrongEnv = {
      JITSUDO_CA_FILE: foreignCaFile,
      JITSUDO_CLIENT_CERT_FILE: '/nonexistent.crt',
      JITSUDO_CLIENT_KEY_FILE: '/nonexistent.key',
    };
    // The environment alone is wrong: refused.
    const bad = await cli(home, ['whoami'], wrongEnv);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: cannot read JITSUDO_CLIENT_CERT_FILE \/nonexistent\.crt/);
    const flags = [
      '--ca-file',
      tls.caFile,
      '--client-cert',
      clientFiles.cert,
      '--client-key',
      clientFiles.key,
    ];
    const ok = await cli(home, ['whoami', '-o', 'json', ...flags], wrongEnv);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).identity).toBe('alice@example.com');
    // A CA that did not sign the server's certificate: not reachable (7), named by the flag.
    const untrusted = await cli(
      home,
      [
        'whoami',
        '--ca-file',
        foreignCaFile,
        '--client-cert',
        clientFiles.cert,
        '--client-key',
        clientFiles.key,
      ],
      {},
    );
    expect(untrusted.code).toBe(7);
    const half = await cli(home, ['whoami', '--client-cert', clientFiles.cert], {
      JITSUDO_CLIENT_CERT_FILE: '',
      JITSUDO_CLIENT_KEY_FILE: '',
    });
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/--client-cert and --client-key go together/);
  });
});

describe('refresh, with a short access-token lifetime at the IdP', () => {
  it('refresh: an access token with < 60 s left is refreshed before the call; the rotated tokens are saved', async () => {
    const home = tempHome('oidc-refresh');
    idp.setAccessTokenTtl(30);
    let before: Record<string, string>;
    try {
      expect((await deviceLogin(home, 'alice')).code).toBe(0);
      before = credsOf(home);
      expect(Date.parse(before.expires_at!) - Date.now()).toBeLessThan(31_000);
    } finally {
      idp.setAccessTokenTtl(600);
    }
    const me = await cli(home, ['whoami', '-o', 'json']);
    expect(me.code, me.stderr).toBe(0);
    const after = credsOf(home);
    expect(after.token).not.toBe(before.token);
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(Date.parse(after.expires_at!) - Date.now()).toBeGreaterThan(500_000);
    expect(JSON.parse(me.stdout).expires_at).toBe(after.expires_at);
    expect(statSync(join(home, 'credentials')).mode & 0o777).toBe(0o600);
    noTokens(me, before.token, before.refresh_token, after.token, after.refresh_token);
    // Rotation: the old refresh token is spent at the IdP.
    expect((await idp.refreshGrant(before.refresh_token!)).status).toBe(400);
  });

  it('a revoked refresh token, or an IdP user deleted since login: a clear "log in again", exit 3, no token shown', async () => {
    idp.accounts.set('dave', { email: 'dave@example.com', groups: ['dev'] });
    const revokedHome = tempHome('oidc-revoked');
    const deletedHome = tempHome('oidc-deleted');
    idp.setAccessTokenTtl(30);
    try {
      expect((await deviceLogin(revokedHome, 'alice')).code).toBe(0);
      expect((await deviceLogin(deletedHome, 'dave')).code).toBe(0);
    } finally {
      idp.setAccessTokenTtl(600);
    }
    const revoked = credsOf(revokedHome);
    await idp.revoke(revoked.refresh_token!);
    const r1 = await cli(revokedHome, ['whoami']);
    expect(r1.code).toBe(3);
    expect(r1.stderr.trim().split('\n')).toHaveLength(1);
    expect(r1.stderr).toMatch(
      /^error: .*refused the saved session \(invalid_grant.*\); run `jitsudo login` again\n$/,
    );
    noTokens(r1, revoked.token, revoked.refresh_token);

    idp.accounts.delete('dave');
    const deleted = credsOf(deletedHome);
    const r2 = await cli(deletedHome, [
      'request',
      '--provider',
      'mock',
      '--role',
      'admin',
      '--scope',
      's',
      '--reason',
      'x',
    ]);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toMatch(/^error: .*invalid_grant.*run `jitsudo login` again\n$/);
    noTokens(r2, deleted.token, deleted.refresh_token);
  });
});
