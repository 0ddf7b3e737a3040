/**
 * The example agents as real processes against a real jitsudod (mock provider, dev identity).
 * Agent tokens are minted through the real CLI (`jitsudo agent create`) and API. The requester runs through `jitsudo mcp` (stdio),
 * so this is also the whole secretless path: request → wait → exec_with_access → release.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  jitsudo,
  ROOT,
  type ServerProcess,
  startJitsudod,
  tempHome,
} from '../e2e/support/processes.js';
import { api, autoReadOnlyPolicyDir, devToken } from '../mcp-stdio/support.js';

const REQUESTER = join(ROOT, 'examples', 'agents', 'requester-agent', 'agent.ts');
const REVIEWER = join(ROOT, 'examples', 'agents', 'ai-reviewer', 'reviewer.ts');

interface Run {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<number | null>;
}

function runExample(file: string, args: string[], token: string, server: string): Run {
  const proc = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: cleanEnv({ JITSUDO_SERVER: server, JITSUDO_TOKEN: token }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => {
    out += d;
  });
  proc.stderr!.on('data', (d) => {
    err += d;
  });
  const done = new Promise<number | null>((res) => proc.once('close', (code) => res(code)));
  return { proc, stdout: () => out, stderr: () => err, done };
}

async function until(cond: () => boolean, what: string, ms = 30_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let server: ServerProcess;
let requesterToken: string;
let reviewerToken: string;

beforeAll(async () => {
  server = await startJitsudod({ env: { JITSUDOD_POLICY_DIR: autoReadOnlyPolicyDir() } });
  const admin = await devToken(server.url, 'root@example.com', ['jitsudo-admins']);
  // The requester's token through the real CLI, as its owner would mint it.
  const home = tempHome('agent-owner');
  const login = await jitsudo(['login', '--dev', '--user', 'dev@example.com'], { home, server: server.url });
  expect(login.code, login.stderr).toBe(0);
  const created = await jitsudo(['agent', 'create', 'example-requester'], { home, server: server.url });
  expect(created.code, created.stderr).toBe(0);
  requesterToken = created.stdout.trim();
  expect(requesterToken).toMatch(/^jit_agt_/);
  // The ai-reviewer right is handed out by admins; a different owner, so it may review dev's agent.
  reviewerToken = (
    await api(server.url, 'POST', '/agents', {
      token: admin,
      body: { name: 'example-reviewer', owner: 'security@example.com', scopes: ['ai-reviewer'] },
    })
  ).token;
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

describe('examples/agents against a live server', () => {
  it('requester-agent: read-only access is auto-approved, the command runs with it, output redacted, released', async () => {
    const run = runExample(
      REQUESTER,
      ['--role', 'viewer', '--reason', 'INC-1: read-only look'],
      requesterToken,
      server.url,
    );
    expect(await run.done, run.stderr()).toBe(0);
    const summary = JSON.parse(run.stdout());
    expect(summary).toMatchObject({
      transport: 'stdio',
      state: 'ACTIVE',
      exec: {
        exit_code: 0,
        stdout: 'access key: [REDACTED:MOCK_ACCESS_KEY]\n',
        redacted: ['MOCK_ACCESS_KEY'],
      },
      released: true,
    });
    expect(run.stdout() + run.stderr()).not.toMatch(/mock-access-key-|mock-session-token-|jit_agt_/);
    const req = (await api(server.url, 'GET', `/requests/${summary.request_id}`, { token: requesterToken }))
      .request;
    expect(req.state).toBe('REVOKED');
  });

  it('requester waits on ai_review; the reviewer approves it with reasoning; the requester then execs and releases', async () => {
    const requester = runExample(
      REQUESTER,
      [
        '--role',
        'admin',
        '--ticket',
        'OPS-12',
        '--duration',
        '30m',
        '--reason',
        'OPS-12: rotate the sandbox cache keys',
        '--',
        process.execPath,
        '-e',
        'console.log(process.env.MOCK_SESSION_TOKEN ? "token set" : "no token")',
      ],
      requesterToken,
      server.url,
    );
    await until(
      () => /requested req_\w+: PENDING \(approver: ai_review\)/.test(requester.stderr()),
      'the requester to wait',
    );
    const reviewer = runExample(REVIEWER, ['--once'], reviewerToken, server.url);
    expect(await reviewer.done, reviewer.stderr()).toBe(0);
    const decisions = reviewer
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ decision: 'approve', ok: true, state: 'ACTIVE', risk: 'low' });
    expect(await requester.done, requester.stderr()).toBe(0);
    const summary = JSON.parse(requester.stdout());
    expect(summary).toMatchObject({
      state: 'ACTIVE',
      exec: { exit_code: 0, stdout: 'token set\n' },
      released: true,
    });
    expect(decisions[0].request_id).toBe(summary.request_id);
    // The reasoning is stored on the approval.
    const req = (await api(server.url, 'GET', `/requests/${summary.request_id}`, { token: requesterToken }))
      .request;
    expect(JSON.stringify(req.approvals)).toMatch(/rule-based stand-in/);
  });

  it('ai-reviewer: denies the clearly bad, escalates the unsure, approves the plainly fine', async () => {
    const ask = async (body: Record<string, unknown>) =>
      (
        await api(server.url, 'POST', '/requests', {
          token: requesterToken,
          body: { provider: 'mock', role: 'admin', duration: '30m', ...body },
        })
      ).request.id as string;
    const bad = await ask({ resource_scope: 'sandbox', reason: 'test' });
    const unsure = await ask({
      resource_scope: 'prod',
      reason: 'OPS-13: restart the production workers',
      metadata: { ticket: 'OPS-13' },
    });
    const fine = await ask({
      resource_scope: 'sandbox',
      reason: 'INC-14: clear a stuck queue in the sandbox',
      metadata: { incident: 'INC-14' },
    });
    const reviewer = runExample(REVIEWER, ['--once'], reviewerToken, server.url);
    expect(await reviewer.done, reviewer.stderr()).toBe(0);
    const byId = Object.fromEntries(
      reviewer
        .stdout()
        .trim()
        .split('\n')
        .map((l) => [JSON.parse(l).request_id, JSON.parse(l)]),
    );
    expect(byId[bad]).toMatchObject({ decision: 'deny', ok: true, state: 'REJECTED' });
    expect(byId[unsure]).toMatchObject({ decision: 'escalate', ok: true, state: 'PENDING', risk: 'high' });
    expect(byId[fine]).toMatchObject({ decision: 'approve', ok: true, state: 'ACTIVE' });
    const escalated = (await api(server.url, 'GET', `/requests/${unsure}`, { token: requesterToken }))
      .request;
    expect(escalated.approver_tier).toBe('human');
    await api(server.url, 'POST', `/requests/${fine}/revoke`, { token: requesterToken, body: {} });
    await api(server.url, 'POST', `/requests/${unsure}/cancel`, { token: requesterToken, body: {} });
  });
});
