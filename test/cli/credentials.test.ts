/** The credentials file without a server: old files still load, and refreshes are serialized by the lock. */
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import {
  credentialsPath,
  loadCredentials,
  saveCredentials,
  usable,
  withCredentialsLock,
} from '../../src/cli/credentials.js';

beforeEach(() => {
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-creds-'));
  vi.stubEnv('JITSUDO_HOME', home);
  return () => vi.unstubAllEnvs();
});

const later = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('credentials file', () => {
  it('a file written before OIDC login (no kind) loads as a dev session', () => {
    saveCredentials({ server_url: 'http://127.0.0.1:8080', token: 't', expires_at: later(60), email: 'a@x' });
    // Overwritten with exactly what an older jitsudo wrote (saveCredentials made the 0700 home).
    writeFileSync(
      credentialsPath(),
      stringify({ server_url: 'http://127.0.0.1:8080', token: 't', expires_at: later(60), email: 'a@x' }),
      { mode: 0o600 },
    );
    expect(loadCredentials()).toMatchObject({ kind: 'dev', token: 't', email: 'a@x' });
  });

  it('an OIDC session round-trips with its refresh facts, 0600; an expired one is usable only with a refresh token', () => {
    const oidc = {
      kind: 'oidc' as const,
      server_url: 'https://jitsudo.example.com',
      token: 'access',
      expires_at: later(-10),
      email: 'alice@example.com',
      issuer: 'https://idp.example.com',
      client_id: 'jitsudo-cli',
      audience: 'https://jitsudo.example.com/api',
      refresh_token: 'refresh',
    };
    saveCredentials(oidc);
    expect(statSync(credentialsPath()).mode & 0o777).toBe(0o600);
    const back = loadCredentials()!;
    expect(back).toEqual({ ...oidc });
    expect(usable(back)).toBe(true);
    expect(usable({ ...back, refresh_token: undefined })).toBe(false);
    expect(usable({ ...back, kind: 'dev' })).toBe(false);
    expect(readFileSync(credentialsPath(), 'utf8')).toContain('kind: oidc');
  });

  it('withCredentialsLock runs one holder at a time and takes over a stale lock', async () => {
    const order: string[] = [];
    const hold = (name: string) =>
      withCredentialsLock(async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 100));
        order.push(`${name}-`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect(order).toHaveLength(4);
    expect(order[0]!.slice(0, 1)).toBe(order[1]!.slice(0, 1)); // a+ a- b+ b- or b+ b- a+ a-

    // A lock left by a killed process (older than 30 s) does not block forever.
    const lock = `${credentialsPath()}.lock`;
    writeFileSync(lock, '');
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(lock, old, old);
    expect(await withCredentialsLock(async () => 'ran')).toBe('ran');
  });
});
