/**
 * `jitsudo mcp` end to end: the real CLI as a child process (SDK stdio client) in front of a real
 * jitsudod process with the mock provider; the agent and its token are made through the real API.
 * No tool result may contain a mock credential or the agent's token.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startJitsudod } from '../e2e/support/processes.js';
import {
  api,
  autoReadOnlyPolicyDir,
  createAgent,
  devToken,
  errorText,
  resultText,
  stdioClient,
  structured,
} from './support.js';

let server: ServerProcess;
let agentToken: string;
let bob: string;
let alice: string;
let mcp: Awaited<ReturnType<typeof stdioClient>>;
const results: unknown[] = [];
const call = async (
  name: string,
  args: Record<string, unknown>,
  opts: Parameters<Client['callTool']>[2] = {},
) => {
  const r = await mcp.client.callTool({ name, arguments: args }, undefined, opts);
  results.push(r);
  return r;
};

beforeAll(async () => {
  server = await startJitsudod({ env: { JITSUDOD_POLICY_DIR: autoReadOnlyPolicyDir() } });
  const owner = await devToken(server.url, 'owner@example.com');
  bob = await devToken(server.url, 'bob@example.com', ['sre', 'sre-leads']);
  alice = await devToken(server.url, 'alice@example.com', ['sre']);
  agentToken = await createAgent(server.url, owner, 'stdio-bot');
  mcp = await stdioClient(server.url, agentToken);
});
afterAll(async () => {
  await mcp?.close();
  // The suite's invariant: nothing secret ever came back through a tool result.
  const all = results.map(resultText).join('\n');
  expect(all).not.toMatch(/mock-access-key-|mock-session-token-|mock-revoke-token-/);
  expect(all).not.toContain(agentToken);
  expect(mcp?.stderr() ?? '').not.toMatch(/mock-access-key-|jit_agt_/);
  expect(await server?.stop()).toBe(0);
});

describe('jitsudo mcp (stdio) in front of a real jitsudod', () => {
  it('lists the remote tools unchanged (names, schemas, annotations) plus exec_with_access', async () => {
    const direct = new Client({ name: 'direct', version: '1' });
    await direct.connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${agentToken}` } },
      }),
    );
    const remote = (await direct.listTools()).tools;
    await direct.close();
    const local = (await mcp.client.listTools()).tools;
    expect(local.map((t) => t.name)).toEqual([...remote.map((t) => t.name), 'exec_with_access']);
    expect(local.slice(0, -1)).toEqual(remote);
    const exec = local.at(-1)!;
    expect(exec.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      openWorldHint: true,
    });
    expect(exec.inputSchema.required).toEqual(['request_id', 'argv']);
    expect(mcp.client.getInstructions()).toMatch(/exec_with_access/);
  });

  it('request (auto) → exec_with_access: credentials only in the child env, output redacted, exit code propagated', async () => {
    const r = await call('request_access', {
      provider: 'mock',
      role: 'viewer',
      scope: 'sandbox',
      reason: 'stdio e2e: list things',
    });
    expect(r.isError).toBeFalsy();
    const req = structured(r).request;
    expect(req).toMatchObject({ state: 'ACTIVE', approver_tier: 'auto' });
    const x = await call('exec_with_access', {
      request_id: req.id,
      argv: [
        process.execPath,
        '-e',
        'console.log(process.env.MOCK_ACCESS_KEY); console.error(Buffer.from(process.env.MOCK_SESSION_TOKEN).toString("base64")); process.exit(4)',
      ],
    });
    expect(x.isError).toBeFalsy();
    expect(structured(x)).toMatchObject({
      request_id: req.id,
      exit_code: 4,
      signal: null,
      stdout: '[REDACTED:MOCK_ACCESS_KEY]\n',
      stderr: '[REDACTED:MOCK_SESSION_TOKEN]\n',
      truncated: false,
      redacted: ['MOCK_ACCESS_KEY', 'MOCK_SESSION_TOKEN'],
    });
    // The variable really was set: only its value is hidden.
    const set = await call('exec_with_access', {
      request_id: req.id,
      argv: [process.execPath, '-e', 'process.stdout.write(String(process.env.MOCK_ACCESS_KEY.length > 10))'],
    });
    expect(structured(set).stdout).toBe('true');
    const rel = await call('release_access', { request_id: req.id, reason: 'done' });
    expect(rel.isError).toBeFalsy();
    const after = await call('exec_with_access', { request_id: req.id, argv: ['true'] });
    expect(after.isError).toBe(true);
    expect(errorText(after)).toMatch(/REVOKED, not ACTIVE: its credentials are gone; make a new request/);
  });

  it('exec before ACTIVE → a clear error; wait_for_request progress is forwarded and the approval ends the wait', async () => {
    const r = await call('request_access', {
      provider: 'mock',
      role: 'admin',
      scope: 'sandbox',
      reason: 'stdio e2e: needs write',
    });
    const req = structured(r).request;
    expect(req).toMatchObject({ state: 'PENDING', approver_tier: 'ai_review' });
    const early = await call('exec_with_access', { request_id: req.id, argv: ['true'] });
    expect(early.isError).toBe(true);
    expect(errorText(early)).toMatch(
      new RegExp(`${req.id} is PENDING, not ACTIVE yet: call wait_for_request`),
    );

    const progress: unknown[] = [];
    const waiting = call(
      'wait_for_request',
      { request_id: req.id, timeout_seconds: 20 },
      { onprogress: (p) => progress.push(p) },
    );
    // Approve once the first progress notification has come through (not after a fixed sleep:
    // on a loaded machine the first one can take longer than any guess).
    for (let i = 0; i < 150 && progress.length === 0; i++) await new Promise((res) => setTimeout(res, 100));
    expect(progress.length, 'no progress notification within 15 s').toBeGreaterThanOrEqual(1);
    await api(server.url, 'POST', `/requests/${req.id}/approve`, {
      token: bob,
      body: { comment: 'ok for the test' },
    });
    const done = await waiting;
    expect(structured(done).request.state).toBe('ACTIVE');
    await call('release_access', { request_id: req.id });
  });

  it('someone else’s request → a clear error, nothing run', async () => {
    const theirs = (
      await api(server.url, 'POST', '/requests', {
        token: alice,
        body: { provider: 'mock', role: 'admin', resource_scope: 'sandbox', reason: 'alice’s' },
      })
    ).request;
    await api(server.url, 'POST', `/requests/${theirs.id}/approve`, { token: bob, body: {} });
    const x = await call('exec_with_access', {
      request_id: theirs.id,
      argv: ['sh', '-c', 'echo ran > /dev/stderr'],
    });
    expect(x.isError).toBe(true);
    expect(errorText(x)).toMatch(/not found, or it is not yours/);
  });

  it('timeout kills the command; bad arguments are refused before anything runs', async () => {
    const r = await call('request_access', {
      provider: 'mock',
      role: 'viewer',
      scope: 'sandbox',
      reason: 'stdio e2e: timeout',
    });
    const id = structured(r).request.id;
    const t = await call('exec_with_access', {
      request_id: id,
      argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)'],
      timeout_seconds: 1,
    });
    expect(structured(t)).toMatchObject({ timed_out: true, signal: 'SIGTERM', exit_code: null });
    for (const bad of [
      { request_id: id },
      { request_id: id, argv: [] },
      { request_id: id, argv: ['true'], timeout_seconds: 601 },
      { request_id: id, argv: 'ls' },
      { request_id: id, argv: ['true'], shell: true },
    ]) {
      const b = await call('exec_with_access', bad);
      expect(b.isError, JSON.stringify(bad)).toBe(true);
      expect(errorText(b)).toMatch(/^invalid arguments for exec_with_access: /);
    }
    await call('release_access', { request_id: id });
  });

  it('a token jitsudod rejects → an error naming the token, not a hang', async () => {
    const bad = await stdioClient(server.url, `jit_agt_${'A'.repeat(43)}`);
    await expect(bad.client.listTools()).rejects.toThrow(/rejected this MCP server's token \(HTTP 401\)/);
    const x = await bad.client.callTool({
      name: 'exec_with_access',
      arguments: { request_id: 'req_x', argv: ['true'] },
    });
    expect(errorText(x)).toMatch(/jitsudod rejected this MCP server's token/);
    await bad.close();
  });

  it('forwards remote tool errors as they are', async () => {
    const r = await call('get_request', { request_id: 'req_01J9Z7X3R4T5V6W7X8Y9Z0ABCD' });
    expect(r.isError).toBe(true);
    expect(errorText(r)).toMatch(/not found/);
  });
});
