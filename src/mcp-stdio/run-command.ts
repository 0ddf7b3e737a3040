/**
 * Runs one command for exec_with_access: argv[0] is spawned directly (no shell, so nothing in argv
 * is expanded), in its own process group, with piped stdio — never our own stdin/stdout, which
 * carry the MCP conversation. Output is kept up to a byte limit per stream (the total is still
 * counted); on timeout the whole group gets SIGTERM, then SIGKILL after a grace period; processes
 * the command leaves behind are ended when it exits, so nothing keeps running with the credentials.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface RunOptions {
  argv: readonly string[];
  cwd?: string;
  stdin?: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Bytes kept per stream; more is counted but dropped. */
  keepBytes: number;
  /** Between SIGTERM and SIGKILL on timeout (default 2 s). */
  killGraceMs?: number;
  /** Called every `tickMs` while the command runs (progress notifications). */
  onTick?: (elapsedMs: number) => void;
  tickMs?: number;
  /** Aborting (the client cancelled the call) kills the command like a timeout. */
  signal?: AbortSignal;
}

export interface Captured {
  /** The first `keepBytes` bytes. */
  bytes: Buffer;
  /** Everything the stream produced. */
  total: number;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: Captured;
  stderr: Captured;
  timedOut: boolean;
  durationMs: number;
}

/** Why a command could not start (nothing ran). */
export class SpawnError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'SpawnError';
  }
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, sig);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** Ends every command still running (on shutdown of `jitsudo mcp`). */
export function killAllCommands(): void {
  for (const c of running) killGroup(c, 'SIGKILL');
}

function capture(stream: NodeJS.ReadableStream, keep: number): { result(): Captured } {
  const chunks: Buffer[] = [];
  let total = 0;
  let kept = 0;
  stream.on('data', (d: Buffer) => {
    total += d.length;
    if (kept < keep) {
      const part = d.subarray(0, keep - kept);
      chunks.push(part);
      kept += part.length;
    }
  });
  return { result: () => ({ bytes: Buffer.concat(chunks), total }) };
}

/** Runs argv; resolves when it has ended (or been killed), rejects with SpawnError if it never started. */
export function runCommand(opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const [cmd, ...args] = opts.argv;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      detached: true, // its own process group: a timeout kills grandchildren too
      windowsHide: true,
    });
    running.add(child);
    const stdout = capture(child.stdout!, opts.keepBytes);
    const stderr = capture(child.stderr!, opts.keepBytes);
    // A child that does not read its stdin must not make us crash with EPIPE.
    child.stdin!.on('error', () => {});
    child.stdin!.end(opts.stdin ?? '');

    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (killTimer) return;
      killGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), opts.killGraceMs ?? 2000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, opts.timeoutMs);
    opts.signal?.addEventListener('abort', stop, { once: true });
    const ticker = opts.onTick
      ? setInterval(() => opts.onTick!(performance.now() - started), opts.tickMs ?? 5000)
      : undefined;
    const done = () => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      clearInterval(ticker);
      opts.signal?.removeEventListener('abort', stop);
      running.delete(child);
    };

    child.once('error', (e: NodeJS.ErrnoException) => {
      done();
      const code = e.code ?? 'EUNKNOWN';
      const why =
        code === 'ENOENT'
          ? `command not found: ${cmd}`
          : code === 'EACCES'
            ? `permission denied: ${cmd}`
            : `cannot run ${cmd}: ${code}`;
      reject(new SpawnError(why, code));
    });
    child.once('exit', (exitCode, signal) => {
      // Whatever it started in the background ends with it; then wait briefly for the pipes.
      killGroup(child, 'SIGTERM');
      const lateKill = setTimeout(() => {
        killGroup(child, 'SIGKILL');
        child.stdout!.destroy();
        child.stderr!.destroy();
      }, 1000);
      const finish = () => {
        clearTimeout(lateKill);
        done();
        resolve({
          exitCode,
          signal,
          stdout: stdout.result(),
          stderr: stderr.result(),
          timedOut,
          durationMs: Math.round(performance.now() - started),
        });
      };
      if (child.stdout!.closed && child.stderr!.closed) finish();
      else child.once('close', finish);
    });
  });
}
