/**
 * The first hour with jitsudo (issue 12), through real processes: what an approver's plain `status`
 * shows, the same words on approve and deny, help text in a pipe, "did you mean", a taken port,
 * --dev overriding an auth mode, and the start-up hint against the README.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickstartLines } from '../../src/cli/jitsudod/quickstart.js';
import {
  type CliResult,
  cleanEnv,
  jitsudo,
  ROOT,
  type ServerProcess,
  startJitsudod,
  tempHome,
} from '../e2e/support/processes.js';

let server: ServerProcess;
const homes = { alice: tempHome('fh-alice'), bob: tempHome('fh-bob') };
const as = (user: keyof typeof homes, ...args: string[]) =>
  jitsudo(args, { home: homes[user], server: server.url });

/** A CLI process with exactly the colour variables given (none of the test runner's NO_COLOR). */
function run(bin: string, args: string[], colour: Record<string, string> = {}): Promise<CliResult> {
  const env = cleanEnv({ JITSUDO_HOME: tempHome('fh-help') });
  // citty itself turns colour off under TEST or CI (vitest sets TEST); a user's shell has neither.
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'TEST', 'CI', 'TERM']) delete env[k];
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin', bin), ...args], {
      env: { ...env, ...colour },
      stdio: ['ignore', 'pipe', 'pipe'],
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

const pendingRequest = async (reason: string) => {
  const r = await as(
    'alice',
    ...['request', '--provider', 'mock', '--role', 'admin', '--scope', 'sandbox', '--reason', reason],
    ...['-o', 'json'],
  );
  expect(r.stderr).toBe('');
  const req = JSON.parse(r.stdout) as { id: string; state: string };
  expect(req.state).toBe('PENDING');
  return req.id;
};

beforeAll(async () => {
  server = await startJitsudod({ fastDatabase: true });
  await Promise.all([
    as('alice', 'login', '--dev', '--user', 'alice@example.com', '--groups', 'sre'),
    as('bob', 'login', '--dev', '--user', 'bob@example.com', '--groups', 'sre-leads'),
  ]);
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

describe('first hour: an approver and a requester', () => {
  it("an approver's plain `status` shows what waits for their decision", async () => {
    const id = await pendingRequest('first-hour status');
    const table = await as('bob', 'status');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Waiting for your decision \(\d+\+?\): jitsudo approve <id>/);
    expect(table.stdout).toContain(id);
    // Machine output keeps the API shape (bob's own list) and says on stderr what waits.
    const json = await as('bob', 'status', '-o', 'json');
    expect(JSON.parse(json.stdout).requests.map((r: { id: string }) => r.id)).not.toContain(id);
    expect(json.stderr).toMatch(/request\(s\) wait for your decision: jitsudo status --pending/);
    // The requester sees no such section for their own request.
    const mine = await as('alice', 'status');
    expect(mine.stdout).not.toContain('Waiting for your decision');
    expect(mine.stdout).toContain(id);
  });

  it('approve and deny take --comment and --reason alike; deny still needs one of them', async () => {
    const [a, b, c] = await Promise.all([
      pendingRequest('fh deny comment'),
      pendingRequest('fh approve reason'),
      pendingRequest('fh deny reason'),
    ]);
    const denied = await as('bob', 'deny', a, '--comment', 'not now');
    expect(denied).toMatchObject({ code: 0, stdout: `Request ${a} → REJECTED\n` });
    const shown = JSON.parse((await as('alice', 'status', a, '-o', 'json')).stdout);
    expect(JSON.stringify(shown)).toContain('not now');
    const approved = await as('bob', 'approve', b, '--reason', 'go ahead');
    expect(approved).toMatchObject({ code: 0, stdout: `Request ${b} → ACTIVE\n` });
    expect(JSON.stringify(JSON.parse((await as('alice', 'status', b, '-o', 'json')).stdout))).toContain(
      'go ahead',
    );
    const bare = await as('bob', 'deny', c);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^error: invalid --reason: a reason is required/);
    const both = await as('bob', 'deny', c, '--reason', 'x', '--comment', 'y');
    expect(both.code).toBe(2);
    const old = await as('bob', 'deny', c, '--reason', 'old flag');
    expect(old).toMatchObject({ code: 0, stdout: `Request ${c} → REJECTED\n` });
  });
});

describe.concurrent('first hour: help, typos, start-up', () => {
  it('help in a pipe: no colour escapes, no "(required) (Required)"; FORCE_COLOR brings colour back', async () => {
    for (const cmd of ['deny', 'request', 'extend']) {
      const r = await run('jitsudo.js', [cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('\u001b[');
      expect(r.stdout).not.toMatch(/\(required\)\s*\(Required\)/i);
      expect(r.stdout).not.toMatch(/[ \t]$/m);
    }
    const forced = await run('jitsudo.js', ['deny', '--help'], { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\u001b[');
    const off = await run('jitsudo.js', ['deny', '--help'], { FORCE_COLOR: '0', NO_COLOR: 'yes' });
    expect(off.stdout).not.toContain('\u001b[');
  });

  it('a mistyped command gets a suggestion', async () => {
    const r = await run('jitsudo.js', ['stauts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: unknown command "stauts" — did you mean "jitsudo status"? (see jitsudo --help)\n',
    );
    const nested = await run('jitsudo.js', ['policy', 'lsit']);
    expect(nested.stderr).toContain('did you mean "jitsudo policy list"?');
    const server = await run('jitsudod.js', ['serv']);
    expect(server.stderr).toContain('did you mean "jitsudod serve"?');
    const far = await run('jitsudo.js', ['frobnicate']);
    expect(far.code).toBe(2);
    expect(far.stderr).not.toContain('did you mean');
  });

  it('a taken port is refused before any database work, naming --addr and JITSUDOD_HTTP_ADDR; --dev says it overrides JITSUDOD_AUTH_MODE', async () => {
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    const home = tempHome('fh-port');
    try {
      const r = await new Promise<CliResult>((resolve) => {
        const p = spawn(
          process.execPath,
          [join(ROOT, 'bin', 'jitsudod.js'), 'serve', '--dev', '--addr', `127.0.0.1:${port}`],
          { env: cleanEnv({ JITSUDO_HOME: home, JITSUDOD_AUTH_MODE: 'oidc' }) },
        );
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
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/warning: --dev overrides auth\.mode "oidc" → "dev"/);
      expect(r.stderr).toContain(`error: cannot listen on 127.0.0.1:${port}: address already in use`);
      expect(r.stderr).toMatch(/--addr host:port, JITSUDOD_HTTP_ADDR or http\.addr/);
      // Nothing of the database was touched: no data directory, no lock.
      expect(existsSync(join(home, 'data'))).toBe(false);
      expect(existsSync(join(home, 'data.lock'))).toBe(false);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it("the start-up hint is the README's Quickstart and never prints credentials", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    // The README's Quickstart block, line for line.
    const block = readme
      .split('```')
      .find((b) => b.includes('npx jitsudo login --dev --user bob@example.com'));
    expect(block).toBeDefined();
    const lines = quickstartLines('', true);
    expect(lines).toEqual(block!.replace(/^sh\n/, '').trimEnd().split('\n'));
    for (const l of [...lines, ...quickstartLines('http://127.0.0.1:9', true)]) {
      expect(l).not.toMatch(/--\s+(env|printenv|set)\b/);
      expect(l).not.toMatch(/echo\s+"?\$\{?MOCK_/);
    }
    // The running server (beforeAll) printed it, with its --server.
    for (const l of quickstartLines(server.url, true).filter(Boolean)) expect(server.output()).toContain(l);
    expect(server.output()).not.toMatch(/exec <id> -- env/);
  });
});
