/**
 * `jitsudo mcp` on a `jitsudo login` (OIDC) session that outlives its access tokens: the real CLI
 * signs in at the in-process IdP (device flow), then the real bridge runs as a child process behind
 * the SDK's stdio client in front of an OIDC jitsudod. The IdP issues 62-second access tokens, so a
 * token falls within the bridge's 60 s refresh margin while the bridge runs. No tool result and no
 * line on the bridge's stderr may contain a token.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { parseConfig } from '../../src/core/config.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';
import { cleanEnv, tempHome } from '../e2e/support/processes.js';
import { confirmDeviceCode } from '../helpers/oidc-browser.js';
import { CLI_CLIENT_ID, type OidcIdp, startOidcIdp } from '../helpers/oidc-idp.js';
import { JITSUDO_BIN, resultText } from './support.js';

const TTL_SECONDS = 62;

let idp: OidcIdp;
let server: RunningServer;
const serverHome = tempHome('stdio-oidc-server');
/** Every token the tests saw, and every text a client or a log line got back. */
const seenTokens = new Set<string>();
const texts: string[] = [];

beforeAll(async () => {
  idp = await startOidcIdp({ deviceInterval: 1 });
  idp.setAccessTokenTtl(TTL_SECONDS);
  server = await startServer({
    config: parseConfig({
      home: serverHome,
      log: { level: 'silent' },
      http: { addr: '127.0.0.1:0' },
      auth: { mode: 'oidc', oidc: { issuer: idp.issuer, audience: idp.audience, client_id: CLI_CLIENT_ID } },
      database: { url: 'memory://' },
    }),
  });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await idp?.stop();
  rmSync(serverHome, { recursive: true, force: true });
  const all = texts.join('\n');
  for (const t of seenTokens) expect(all).not.toContain(t);
});

type Creds = Record<string, string>;
const credsOf = (home: string): Creds => {
  const c = parseYaml(readFileSync(join(home, 'credentials'), 'utf8')) as Creds;
  for (const k of ['token', 'refresh_token'] as const) if (c[k]) seenTokens.add(c[k]);
  return c;
};
/** Rewrites the saved session (the file keeps its 0600 mode: it exists). */
const editCreds = (home: string, change: Partial<Creds>) =>
  writeFileSync(join(home, 'credentials'), stringify({ ...credsOf(home), ...change }));

/** Polls `ok` every 50 ms, up to `ms`. */
async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `jitsudo login` (device flow) as alice, confirmed at the IdP; returns the home holding the session. */
async function login(label: string): Promise<string> {
  const home = tempHome(label);
  const proc = spawn(process.execPath, [JITSUDO_BIN, 'login'], {
    env: cleanEnv({ JITSUDO_HOME: home, JITSUDO_SERVER: server.url }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  proc.stdout.resume();
  const done = new Promise<number | null>((res) => proc.once('close', (code) => res(code)));
  let line: RegExpExecArray | null = null;
  await until('the device code line', () => {
    line = /open (\S+) and enter the code: (\S+)/.exec(stderr);
    return !!line || proc.exitCode !== null;
  });
  expect(line, stderr).not.toBeNull();
  await confirmDeviceCode(line![1]!, line![2]!, 'alice');
  expect(await done, stderr).toBe(0);
  texts.push(stderr);
  return home;
}

/** The bridge on the saved session of `home` (no JITSUDO_TOKEN). */
async function bridge(home: string) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [JITSUDO_BIN, 'mcp'],
    env: cleanEnv({ JITSUDO_HOME: home, JITSUDO_SERVER: server.url }) as Record<string, string>,
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (d) => {
    err += d;
  });
  const client = new Client({ name: 'stdio-oidc-test', version: '1' });
  await client.connect(transport);
  return {
    async list(): Promise<CallToolResult> {
      const r = (await client.callTool({ name: 'list_my_requests', arguments: {} })) as CallToolResult;
      texts.push(resultText(r));
      return r;
    },
    async close() {
      await client.close();
      texts.push(err);
    },
  };
}

/** An access token from the same IdP that expired an hour ago: jitsudod answers 401. */
const expiredToken = () => {
  const now = Math.floor(Date.now() / 1000);
  return idp.mintUserToken('alice@example.com', ['sre'], { iat: now - 7200, exp: now - 3600 });
};

describe('jitsudo mcp keeps a login session alive', { timeout: 120_000 }, () => {
  it('an access token that comes within 60 s of expiry during the bridge’s life is refreshed before the call; a 401 is retried once after a forced refresh', async () => {
    const home = await login('stdio-oidc-live');
    const b = await bridge(home);
    try {
      const first = await b.list();
      expect(first.isError, resultText(first)).toBeFalsy();
      const before = credsOf(home);
      // The token the bridge used has a minute or so; wait (polling) until it is inside the margin.
      await until(
        'the stored token to be within 60 s of expiry',
        () => Date.parse(before.expires_at!) - Date.now() < 59_000,
      );
      const second = await b.list();
      expect(second.isError, resultText(second)).toBeFalsy();
      const after = credsOf(home);
      expect(after.token).not.toBe(before.token);
      expect(after.refresh_token).not.toBe(before.refresh_token); // rotated, and saved by the bridge
      expect(Date.parse(after.expires_at!)).toBeGreaterThan(Date.parse(before.expires_at!));

      // The file says an hour is left, but jitsudod refuses the token: one forced refresh, then the call.
      const stale = await expiredToken();
      seenTokens.add(stale);
      editCreds(home, { token: stale, expires_at: new Date(Date.now() + 3_600_000).toISOString() });
      const third = await b.list();
      expect(third.isError, resultText(third)).toBeFalsy();
      const renewed = credsOf(home);
      expect(renewed.token).not.toBe(stale);
      expect(renewed.refresh_token).not.toBe(after.refresh_token);
    } finally {
      await b.close();
    }
  });

  it('a revoked refresh token: the tool call fails with "run `jitsudo login` again" (due refresh, or after a 401), no token shown', async () => {
    const home = await login('stdio-oidc-revoked');
    const b = await bridge(home);
    try {
      expect((await b.list()).isError).toBeFalsy();
      const live = credsOf(home);
      await idp.revoke(live.refresh_token!);
      editCreds(home, { expires_at: new Date(Date.now() + 10_000).toISOString() });
      const due = await b.list();
      expect(due.isError).toBe(true);
      expect(resultText(due)).toMatch(/refused the saved session \(invalid_grant.*run `jitsudo login` again/);

      const stale = await expiredToken();
      seenTokens.add(stale);
      editCreds(home, { token: stale, expires_at: new Date(Date.now() + 3_600_000).toISOString() });
      const after401 = await b.list();
      expect(after401.isError).toBe(true);
      expect(resultText(after401)).toMatch(/run `jitsudo login` again/);
    } finally {
      await b.close();
    }
  });
});
