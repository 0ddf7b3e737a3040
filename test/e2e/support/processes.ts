/**
 * Real processes for end-to-end tests: `jitsudod` on a free loopback port with its own
 * JITSUDO_HOME, and `jitsudo` invocations as child processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const JITSUDOD = join(ROOT, 'bin', 'jitsudod.js');
const JITSUDO = join(ROOT, 'bin', 'jitsudo.js');

/** Environment without anything of ours that could leak in from the developer's shell. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(JITSUDO|JITSUDOD)_|^DATABASE_URL$|^TEST_DATABASE_URL$/.test(k)) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

export const tempHome = (label = 'home') => mkdtempSync(join(tmpdir(), `jitsudo-${label}-`));

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  home: string;
  output(): string;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
}

/** A fresh database on TEST_DATABASE_URL's server, and how to drop it. */
export async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `jitsudo_e2e_${randomBytes(5).toString('hex')}`;
  const root = postgres(admin, { max: 1, onnotice: () => {} });
  await root.unsafe(`create database ${name}`);
  await root.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const r = postgres(admin, { max: 1, onnotice: () => {} });
      await r.unsafe(`drop database if exists ${name} with (force)`);
      await r.end();
    },
  };
}

/**
 * Starts `jitsudod serve` (default `--dev`) on 127.0.0.1:0 and waits for its listening line.
 * `fastDatabase`: use a scratch PostgreSQL database when TEST_DATABASE_URL is set (starts in about a
 * second instead of initialising a PGlite data directory); tests about PGlite itself leave it off.
 */
export async function startJitsudod(
  opts: {
    home?: string;
    args?: string[];
    env?: Record<string, string | undefined>;
    timeoutMs?: number;
    fastDatabase?: boolean;
  } = {},
): Promise<ServerProcess> {
  const home = opts.home ?? tempHome('server');
  const scratch = opts.fastDatabase && process.env.TEST_DATABASE_URL ? await scratchDatabase() : undefined;
  const proc = spawn(
    process.execPath,
    [JITSUDOD, 'serve', ...(opts.args ?? ['--dev']), '--addr', '127.0.0.1:0'],
    {
      env: cleanEnv({
        JITSUDO_HOME: home,
        JITSUDOD_LOG_LEVEL: 'warn',
        ...(scratch ? { JITSUDOD_DATABASE_URL: scratch.url } : {}),
        ...opts.env,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code))).then(
    async (code) => {
      await scratch?.drop();
      return code;
    },
  );
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`jitsudod did not start in time:\n${out}`)),
      opts.timeoutMs ?? 90_000,
    );
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /jitsudod listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`jitsudod exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    proc,
    home,
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `jitsudo <args>` to completion. */
export function jitsudo(
  args: string[],
  opts: { home: string; server?: string; env?: Record<string, string | undefined>; input?: string } = {
    home: '',
  },
): Promise<CliResult> {
  return new Promise((res, rej) => {
    const proc = spawn(process.execPath, [JITSUDO, ...args], {
      env: cleanEnv({ JITSUDO_HOME: opts.home, JITSUDO_SERVER: opts.server, ...opts.env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => {
      stdout += d;
    });
    proc.stderr.on('data', (d) => {
      stderr += d;
    });
    proc.stdin.end(opts.input ?? '');
    proc.once('error', rej);
    proc.once('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
}
