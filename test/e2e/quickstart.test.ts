/**
 * The README quickstart, run exactly as written: `npm start` as a real process (on a free port and
 * a temp JITSUDO_HOME — the only differences), then the client block in bash against it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, tempHome } from './support/processes.js';

function quickstartBlocks(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = /^## Quickstart\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Quickstart" section');
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

const commands = (block: string) =>
  block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

describe('README quickstart', () => {
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server?.pid && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      process.kill(-server.pid, 'SIGTERM'); // npm → sh → node: signal the group we created
      await exited;
    }
  });

  it('works as written', { timeout: 240_000 }, async () => {
    const [serverBlock, clientBlock] = quickstartBlocks();
    expect(commands(serverBlock!)).toEqual(['npm ci', 'npm start']);
    expect(clientBlock).toBeDefined();

    const home = tempHome('quickstart-server');
    server = spawn('npm', ['start'], {
      cwd: ROOT,
      env: cleanEnv({ JITSUDO_HOME: home, JITSUDOD_HTTP_ADDR: '127.0.0.1:0', JITSUDOD_LOG_LEVEL: 'warn' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${out}`)), 120_000);
      const onData = (d: Buffer) => {
        out += d;
        const m = /jitsudod listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      server!.stdout!.on('data', onData);
      server!.stderr!.on('data', onData);
      server!.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${out}`)));
    });
    // It tells the user what to try, and warns about dev identity mode.
    expect(out).toMatch(/DEV IDENTITY MODE/);
    expect(out).toContain('npx jitsudo login --dev --user alice@example.com --groups sre');

    const client = spawn('bash', ['-euo', 'pipefail', '-c', clientBlock!], {
      cwd: ROOT,
      env: cleanEnv({ JITSUDO_HOME: tempHome('quickstart-client'), JITSUDO_SERVER: url }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    client.stdout.on('data', (d) => {
      stdout += d;
    });
    client.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((r) => client.once('close', r));
    expect({ code, stderr: stderr.replace(/^npm warn .*\n/gm, '') }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/State:\s+PENDING/);
    expect(stdout).toMatch(/→ ACTIVE/);
    expect(stdout).toContain('mock credentials: present');
    expect(stdout).toMatch(/State:\s+REVOKED/);
    expect(stdout).not.toMatch(/mock-access-key|mock-session-token/);
  });
});
