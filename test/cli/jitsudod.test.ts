/** `jitsudod init` and `jitsudod migrate` as real processes; refusal of unsafe serve options. */
import { spawn } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { type CliResult, cleanEnv, ROOT, tempHome } from '../e2e/support/processes.js';

function jitsudod(args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin', 'jitsudod.js'), ...args], {
      cwd,
      env: cleanEnv(env),
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += d;
    });
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('jitsudod', () => {
  it('init writes a 0600 starter config that loads, and refuses to overwrite without --force', async () => {
    const dir = tempHome('init');
    const out = join(dir, 'jitsudo.yaml');
    const r = await jitsudod(['init', '--out', out, '--addr', '127.0.0.1:9090']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Configuration written to ${out}`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const config = loadConfig({ file: out, env: { JITSUDO_HOME: dir } });
    expect(config.http.addr).toBe('127.0.0.1:9090');
    expect(Object.keys(config.providers)).toEqual(['mock']);
    const again = await jitsudod(['init', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toMatch(/^error: .*exists; use --force/);
    const forced = await jitsudod(['init', '--out', out, '--force', '--database-url', 'postgres://u@h/db']);
    expect(forced.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('url: "postgres://u@h/db"');
    const bad = await jitsudod(['init', '--out', out, '--force', '--database-url', 'mysql://x']);
    expect(bad.code).toBe(2);
  });

  it('init --tls writes a private CA, a server and a client certificate (0600 in a 0700 dir) that verify', async () => {
    const dir = tempHome('init-tls');
    const out = join(dir, 'jitsudo.yaml');
    const r = await jitsudod(['init', '--out', out, '--tls', '--tls-names', 'jitsudo.internal,10.0.0.5']);
    expect(r.code).toBe(0);
    const tlsDir = join(dir, 'tls');
    expect(statSync(tlsDir).mode & 0o777).toBe(0o700);
    for (const f of ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'client.crt', 'client.key'])
      expect(statSync(join(tlsDir, f)).mode & 0o777).toBe(0o600);
    const ca = new X509Certificate(readFileSync(join(tlsDir, 'ca.crt')));
    const server = new X509Certificate(readFileSync(join(tlsDir, 'server.crt')));
    const client = new X509Certificate(readFileSync(join(tlsDir, 'client.crt')));
    expect(ca.ca).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(client.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toBe('DNS:jitsudo.internal, IP Address:10.0.0.5');
    expect(server.checkPrivateKey(createPrivateKey(readFileSync(join(tlsDir, 'server.key'))))).toBe(true);
    const config = loadConfig({ file: out, env: { JITSUDO_HOME: dir } });
    expect(config.tls).toMatchObject({
      cert_file: join(tlsDir, 'server.crt'),
      client_ca_file: join(tlsDir, 'ca.crt'),
      client_auth: 'require',
    });
  });

  it('migrate applies the migrations to an embedded database and is idempotent', {
    timeout: 120_000,
  }, async () => {
    const home = tempHome('migrate');
    const first = await jitsudod(['migrate'], { JITSUDO_HOME: home });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^Database \(pglite\) is up to date; \d+ migration\(s\) applied\.\n$/);
    const second = await jitsudod(['migrate'], { JITSUDO_HOME: home });
    expect(second.stdout).toContain('0 migration(s) applied');
  });

  it.concurrent.each([
    [
      'dev identity on a public address',
      ['serve', '--dev', '--addr', '0.0.0.0:8080'],
      {},
      2,
      /loopback only/,
    ],
    [
      'production mode (no --dev) with dev identity',
      ['serve'],
      {},
      2,
      /invalid config key auth\.mode: production mode requires "oidc"/,
    ],
    ['a malformed address', ['serve', '--addr', 'nonsense'], {}, 2, /invalid listen address/],
    [
      'an unknown env variable',
      ['serve'],
      { JITSUDOD_BOGUS: '1' },
      2,
      /unknown environment variable JITSUDOD_BOGUS/,
    ],
    [
      'a config file that does not exist',
      ['serve', '--config', '/nonexistent.yaml'],
      {},
      2,
      /cannot read config file/,
    ],
    ['an unknown flag', ['serve', '--port', '1'], {}, 2, /unknown flag --port/],
  ])('refuses %s with one error line', async (_n, args, env, code, message) => {
    const r = await jitsudod(args as string[], {
      JITSUDO_HOME: tempHome('refuse'),
      ...(env as Record<string, string>),
    });
    expect(r.code).toBe(code);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message as RegExp);
  });
});
