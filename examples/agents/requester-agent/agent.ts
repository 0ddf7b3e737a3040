/**
 * A requester agent: discovers what it may ask for, requests access with a reason, waits for the
 * decision, runs one command with the access (exec_with_access: the credentials never reach this
 * program, let alone a model) and releases the access. Plain code stands in for the model's
 * choices; every step is an MCP tool call a model would make.
 *
 *   JITSUDO_SERVER=http://127.0.0.1:8080 JITSUDO_TOKEN=jit_agt_… \
 *     npx tsx examples/agents/requester-agent/agent.ts --provider mock --role viewer --scope sandbox \
 *       --reason "INC-42: read the bucket list" -- aws s3 ls
 *
 * --transport stdio (default) starts `jitsudo mcp` as a child; --transport http talks to <server>/mcp
 * directly (then there is no exec_with_access: the agent prints how to run the command instead).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

const dd = process.argv.indexOf('--');
const { values: opt } = parseArgs({
  args: process.argv.slice(2, dd < 0 ? undefined : dd),
  options: {
    provider: { type: 'string', default: 'mock' },
    role: { type: 'string', default: 'viewer' },
    scope: { type: 'string', default: 'sandbox' },
    duration: { type: 'string', default: '15m' },
    reason: { type: 'string', default: 'example agent: read-only look at the sandbox' },
    ticket: { type: 'string' },
    transport: { type: 'string', default: 'stdio' },
    'wait-seconds': { type: 'string', default: '120' },
  },
});
const command = dd < 0 ? ['sh', '-c', 'echo "access key: $MOCK_ACCESS_KEY"'] : process.argv.slice(dd + 1);
const server = process.env.JITSUDO_SERVER ?? 'http://127.0.0.1:8080';
const token = process.env.JITSUDO_TOKEN;
if (!token) {
  console.error('set JITSUDO_TOKEN to an agent token (jitsudo agent create <name> --scopes requester)');
  process.exit(2);
}

/** Progress and decisions go to stderr; stdout gets one JSON summary at the end. */
const say = (line: string) => process.stderr.write(`[agent] ${line}\n`);

async function connect(): Promise<Client> {
  const client = new Client({ name: 'jitsudo-example-requester', version: '1.0.0' });
  if (opt.transport === 'http') {
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server.replace(/\/+$/, '')}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
  } else {
    // `jitsudo mcp` from this repository; an installed CLI works the same (JITSUDO_MCP_COMMAND=jitsudo).
    const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'jitsudo.js');
    const cmd = process.env.JITSUDO_MCP_COMMAND ? [process.env.JITSUDO_MCP_COMMAND] : [process.execPath, bin];
    await client.connect(
      new StdioClientTransport({
        command: cmd[0]!,
        args: [...cmd.slice(1), 'mcp', '--server', server],
        env: { ...(process.env as Record<string, string>), JITSUDO_TOKEN: token! },
        stderr: 'inherit',
      }),
    );
  }
  return client;
}

/** Calls a tool; a tool error (isError) is returned as text for the caller to act on. */
async function tool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  onProgress?: (m: string) => void,
) {
  const r = (await client.callTool({ name, arguments: args }, undefined, {
    onprogress: onProgress ? (p) => onProgress(p.message ?? `${p.progress}`) : undefined,
    timeout: 6 * 60_000,
    resetTimeoutOnProgress: true,
  })) as CallToolResult;
  const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  return { ok: !r.isError, data: r.structuredContent as any, text };
}

const client = await connect();
const summary: Record<string, unknown> = { transport: opt.transport };
let exitCode = 0;
try {
  const eligible = await tool(client, 'list_eligible_access', { provider: opt.provider });
  if (eligible.ok) {
    const entries = eligible.data.entries as { role: string; scope: string; approver_tier: string }[];
    say(
      `eligible: ${entries.map((e) => `${e.role}@${e.scope} (${e.approver_tier})`).join(', ') || 'nothing'}`,
    );
  }

  const asked = await tool(client, 'request_access', {
    provider: opt.provider,
    role: opt.role,
    scope: opt.scope,
    duration: opt.duration,
    reason: opt.reason,
    ...(opt.ticket ? { ticket: opt.ticket } : {}),
  });
  if (!asked.ok) {
    // A denial lists the policy's reasons and the nearest allowed alternatives: a model would adjust.
    say(`request refused: ${asked.text}`);
    summary.refused = asked.text;
    exitCode = 3;
  } else {
    let request = asked.data.request as { id: string; state: string; approver_tier: string };
    summary.request_id = request.id;
    say(`requested ${request.id}: ${request.state} (approver: ${request.approver_tier})`);
    const deadline = Date.now() + Number(opt['wait-seconds']) * 1000;
    while ((request.state === 'PENDING' || request.state === 'APPROVED') && Date.now() < deadline) {
      const waited = await tool(
        client,
        'wait_for_request',
        {
          request_id: request.id,
          timeout_seconds: Math.max(1, Math.min(300, Math.round((deadline - Date.now()) / 1000))),
        },
        (m) => say(`waiting: ${m}`),
      );
      if (!waited.ok) throw new Error(waited.text);
      request = waited.data.request;
    }
    summary.state = request.state;
    if (request.state !== 'ACTIVE') {
      say(`not granted: ${request.state}`);
      exitCode = 4;
    } else if (opt.transport === 'http') {
      say(
        `ACTIVE; exec_with_access needs the local \`jitsudo mcp\`. Run: jitsudo exec ${request.id} -- ${command.join(' ')}`,
      );
    } else {
      const ran = await tool(client, 'exec_with_access', {
        request_id: request.id,
        argv: command,
        timeout_seconds: 60,
      });
      if (!ran.ok) throw new Error(ran.text);
      const r = ran.data as { exit_code: number | null; stdout: string; stderr: string; redacted: string[] };
      say(`command exited ${r.exit_code}; redacted: ${r.redacted.join(', ') || 'nothing'}`);
      summary.exec = { exit_code: r.exit_code, stdout: r.stdout, stderr: r.stderr, redacted: r.redacted };
    }
    if (request.state === 'ACTIVE' || request.state === 'PENDING') {
      const end = await tool(client, request.state === 'ACTIVE' ? 'release_access' : 'cancel_request', {
        request_id: request.id,
        reason: 'example agent finished',
      });
      summary.released = end.ok;
      say(end.ok ? `released ${request.id}` : `could not release: ${end.text}`);
    }
  }
} finally {
  await client.close();
}
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exitCode = exitCode;
