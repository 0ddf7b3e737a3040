/**
 * `npm start` as a user runs it (issue 12): a new JITSUDO_HOME comes up healthy, and SIGTERM or
 * SIGINT sent to the npm process — not to the server — stops jitsudod: no orphan keeps the port
 * and the data directory. The server's pid is read from its data-dir lock file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, tempHome } from './support/processes.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function until<T>(
  what: string,
  f: () => T | undefined | Promise<T | undefined>,
  ms = 120_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s to the npm process stops jitsudod (no orphan)',
    async (signal) => {
      const home = tempHome('npm-start');
      const npm: ChildProcess = spawn('npm', ['start', '--silent', '--', '--addr', '127.0.0.1:0'], {
        cwd: ROOT,
        env: cleanEnv({ JITSUDO_HOME: home, JITSUDOD_LOG_LEVEL: 'warn' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      npm.stdout!.on('data', (d) => {
        out += d;
      });
      npm.stderr!.on('data', (d) => {
        out += d;
      });
      const npmExit = new Promise<void>((r) => npm.once('exit', () => r()));
      let serverPid = 0;
      try {
        const url = await until(
          'the listening line',
          () => /jitsudod listening on (http:\/\/\S+)/.exec(out)?.[1],
        );
        expect((await fetch(`${url}/readyz`)).status).toBe(200);
        serverPid = Number(readFileSync(join(home, 'data.lock'), 'utf8').trim());
        expect(serverPid).toBeGreaterThan(0);
        expect(serverPid).not.toBe(npm.pid);
        npm.kill(signal);
        await until('jitsudod to exit', () => !alive(serverPid), 60_000);
        await until('npm to exit', () => npm.exitCode !== null || npm.signalCode !== null, 60_000);
        await npmExit;
        // A clean stop: the lock was released, the server said so.
        expect(existsSync(join(home, 'data.lock'))).toBe(false);
        expect(out).toContain(`jitsudod: ${signal}, shutting down`);
      } finally {
        if (serverPid && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
        if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
      }
    },
    240_000,
  );
});
