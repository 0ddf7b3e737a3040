/**
 * Real processes for end-to-end tests: `jitsudod` on a free loopback port with its own
 * JITSUDO_HOME, and `jitsudo` invocations as child processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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

/** Starts `jitsudod serve` (default `--dev`) on 127.0.0.1:0 and waits for its listening line. */
export async function startJitsudod(
  opts: { home?: string; args?: string[]; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const home = opts.home ?? tempHome('server');
  const proc = spawn(
    process.execPath,
    [JITSUDOD, 'serve', ...(opts.args ?? ['--dev']), '--addr', '127.0.0.1:0'],
    {
      env: cleanEnv({ JITSUDO_HOME: home, JITSUDOD_LOG_LEVEL: 'warn', ...opts.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
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
