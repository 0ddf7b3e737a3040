/**
 * KUBECONFIG contents → a 0600 file in a 0700 dir for the child only, removed afterwards; and
 * exec_with_access (a real child process) sees a path, and the kubeconfig's token is redacted.
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { kubeconfigContents, materializeCredentials } from '../../../src/core/providers/materialize.js';
import { execWithAccess } from '../../../src/mcp-stdio/exec-tool.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.sa-token-for-req-1.signature';
const kubeconfig = stringify({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'prod', cluster: { server: 'https://10.0.0.1:6443' } }],
  users: [{ name: 'jitsudo', user: { token: TOKEN } }],
  contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'jitsudo', namespace: 'team-a' } }],
  'current-context': 'prod',
});

describe('materializeCredentials', () => {
  it('writes kubeconfig contents to a 0600 file in a private 0700 dir, points KUBECONFIG at it, removes both', () => {
    const before = process.env.KUBECONFIG;
    const m = materializeCredentials({ KUBECONFIG: kubeconfig, OTHER: 'x' });
    const file = m.env.KUBECONFIG!;
    expect(file).not.toBe(kubeconfig);
    expect(m.env.OTHER).toBe('x');
    expect(readFileSync(file, 'utf8')).toBe(kubeconfig);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(m.embeddedSecrets).toEqual({ KUBECONFIG_TOKEN_0: TOKEN });
    expect(process.env.KUBECONFIG).toBe(before); // our own env is untouched
    m.cleanup();
    expect(existsSync(file)).toBe(false);
    expect(existsSync(dirname(file))).toBe(false);
    m.cleanup(); // idempotent
  });

  it('leaves paths, path lists and unrelated YAML alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    const existing = join(dir, 'config');
    // An existing file is a path even if its NAME would parse as YAML.
    writeFileSync(existing, kubeconfig);
    for (const value of [
      existing,
      '/no/such/kubeconfig',
      `${existing}:/other`,
      'apiVersion: v1\nkind: Pod',
    ]) {
      expect(kubeconfigContents(value)).toBeUndefined();
      const m = materializeCredentials({ KUBECONFIG: value });
      expect(m.env.KUBECONFIG).toBe(value);
      expect(m.embeddedSecrets).toEqual({});
      m.cleanup();
    }
    expect(materializeCredentials({ AWS_ACCESS_KEY_ID: 'AKIA' }).env).toEqual({ AWS_ACCESS_KEY_ID: 'AKIA' });
    // JSON is YAML: a one-line JSON kubeconfig is contents too.
    expect(kubeconfigContents(JSON.stringify({ apiVersion: 'v1', clusters: [] }))).toBeDefined();
  });
});

describe('exec_with_access with a kubeconfig grant', () => {
  it('the child reads a 0600 file via KUBECONFIG; the file is gone afterwards; the token is redacted', async () => {
    const out = await execWithAccess(
      {
        fetchGrant: async (id) => ({
          request_id: id,
          credentials: { KUBECONFIG: kubeconfig },
          expires_at: new Date(Date.now() + 60_000).toISOString(),
        }),
        baseEnv: { PATH: process.env.PATH },
        extraSecrets: {},
        maxOutputBytes: 64 * 1024,
      },
      {
        request_id: 'req_1',
        argv: [
          process.execPath,
          '-e',
          `const fs = require('fs'); const p = process.env.KUBECONFIG;
           const t = /token: (.*)/.exec(fs.readFileSync(p, 'utf8'))[1];
           console.log(JSON.stringify({ p, mode: fs.statSync(p).mode & 0o777, t }));`,
        ],
      },
    );
    if (!out.ok) throw new Error(out.message);
    expect(out.result.exit_code).toBe(0);
    const seen = JSON.parse(out.result.stdout) as { p: string; mode: number; t: string };
    expect(seen.mode).toBe(0o600);
    expect(seen.t).toBe('[REDACTED:KUBECONFIG_TOKEN_0]');
    expect(out.result.stdout).not.toContain(TOKEN);
    expect(out.result.redacted).toEqual(['KUBECONFIG_TOKEN_0']);
    expect(existsSync(seen.p)).toBe(false);
  });
});
