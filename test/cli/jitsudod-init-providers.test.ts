/** `jitsudod init --provider …` as a real process: commented sections that load through the real config loader. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDER_NAMES } from '../../src/cli/jitsudod/provider-templates.js';
import { loadConfig } from '../../src/core/config.js';
import { builtinProviderFactories, createProvider } from '../../src/providers/index.js';
import { type CliResult, cleanEnv, ROOT, tempHome } from '../e2e/support/processes.js';

function init(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin', 'jitsudod.js'), 'init', ...args], {
      env: cleanEnv(),
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

describe('jitsudod init --provider', () => {
  it('offers exactly the built-in providers', () => {
    expect([...PROVIDER_NAMES].sort()).toEqual(Object.keys(builtinProviderFactories).sort());
  });

  it('writes a commented section per named provider; the file loads; serve would name what is missing', async () => {
    const dir = tempHome('init-prov');
    const out = join(dir, 'jitsudo.yaml');
    const r = await init([
      '--out',
      out,
      '--provider',
      'aws',
      '--provider',
      'kubernetes',
      '--provider',
      'azure',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('REQUIRED keys of providers: aws, kubernetes, azure');
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^ {2}# AWS\./m);
    expect(text).toMatch(/# clusters: +# REQUIRED/);
    expect(text).toMatch(/# tenant_id: .*# REQUIRED/);
    const config = loadConfig({ file: out, env: { JITSUDO_HOME: dir } });
    expect(Object.keys(config.providers)).toEqual(['aws', 'kubernetes', 'azure']);
    // The sections as written: aws is complete (SDK default credentials); the others refuse, naming the key.
    expect(() => createProvider('aws', config.providers.aws!)).not.toThrow();
    expect(() => createProvider('kubernetes', config.providers.kubernetes!)).toThrow(
      /providers\.kubernetes\.clusters/,
    );
    expect(() => createProvider('azure', config.providers.azure!)).toThrow(/providers\.azure\.tenant_id/);
  });

  it('every provider at once loads too; without --provider the starter has the mock provider', async () => {
    const dir = tempHome('init-all');
    const all = join(dir, 'all.yaml');
    expect((await init(['--out', all, ...PROVIDER_NAMES.flatMap((p) => ['--provider', p])])).code).toBe(0);
    expect(Object.keys(loadConfig({ file: all, env: { JITSUDO_HOME: dir } }).providers)).toEqual(
      PROVIDER_NAMES,
    );
    const plain = join(dir, 'plain.yaml');
    expect((await init(['--out', plain])).code).toBe(0);
    expect(Object.keys(loadConfig({ file: plain, env: { JITSUDO_HOME: dir } }).providers)).toEqual(['mock']);
  });

  it('refuses an unknown provider with the list, writing nothing, and never overwrites without --force', async () => {
    const dir = tempHome('init-bad');
    const out = join(dir, 'jitsudo.yaml');
    const bad = await init(['--out', out, '--provider', 'aws', '--provider', 'awz']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `error: invalid --provider: unknown provider "awz"; built in: ${PROVIDER_NAMES.join(', ')}\n`,
    );
    expect(existsSync(out)).toBe(false);
    expect((await init(['--out', out, '--provider', 'gcp'])).code).toBe(0);
    const again = await init(['--out', out, '--provider', 'aws']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists; use --force/);
    expect(Object.keys(loadConfig({ file: out, env: { JITSUDO_HOME: dir } }).providers)).toEqual(['gcp']);
    expect((await init(['--out', out, '--provider', 'aws', '--force'])).code).toBe(0);
    expect(Object.keys(loadConfig({ file: out, env: { JITSUDO_HOME: dir } }).providers)).toEqual(['aws']);
  });
});
