/**
 * A tier-2 reviewer loop over MCP: list the requests waiting for AI review, read each, decide with
 * reasoning (approve, deny, or escalate to a human when unsure), repeat.
 *
 * THE DECISIONS COME FROM A RULE-BASED STAND-IN FOR A MODEL (rules.ts), NOT FROM AN AI.
 *
 *   JITSUDO_SERVER=http://127.0.0.1:8080 JITSUDO_TOKEN=jit_agt_… \
 *     npx tsx examples/agents/ai-reviewer/reviewer.ts [--once] [--interval 10]
 *
 * The token must belong to an agent with the ai-reviewer right (an admin creates it:
 * `jitsudo agent create reviewer --owner you@example.com --scopes ai-reviewer`). Each decision is
 * printed as one JSON line on stdout.
 */
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type Reviewable, review } from './rules.js';

const { values: opt } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    interval: { type: 'string', default: '10' },
  },
});
const server = (process.env.JITSUDO_SERVER ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const token = process.env.JITSUDO_TOKEN;
if (!token) {
  console.error('set JITSUDO_TOKEN to an agent token with the ai-reviewer right');
  process.exit(2);
}
const say = (line: string) => process.stderr.write(`[reviewer] ${line}\n`);

const client = new Client({ name: 'jitsudo-example-reviewer', version: '1.0.0' });
await client.connect(
  new StreamableHTTPClientTransport(new URL(`${server}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  }),
);

async function tool(name: string, args: Record<string, unknown>) {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  return { ok: !r.isError, data: r.structuredContent as any, text };
}

const TOOL_FOR = { approve: 'approve_request', deny: 'deny_request', escalate: 'escalate_to_human' } as const;

/** One pass over the queue; returns how many requests were decided. */
async function pass(): Promise<number> {
  let decided = 0;
  let page_token: string | undefined;
  do {
    const page = await tool('list_pending_ai_review', {
      page_size: 50,
      ...(page_token ? { page_token } : {}),
    });
    if (!page.ok) throw new Error(page.text);
    for (const summary of page.data.requests as { id: string }[]) {
      const details = await tool('get_request_details', { request_id: summary.id });
      if (!details.ok) {
        say(`skipping ${summary.id}: ${details.text}`);
        continue;
      }
      const verdict = review(details.data.request as Reviewable);
      const done = await tool(TOOL_FOR[verdict.decision], {
        request_id: summary.id,
        reasoning: `[rule-based stand-in, not a model] ${verdict.reasoning}`,
        risk: verdict.risk,
      });
      // A decision can be refused (policy, someone decided first): report it and go on.
      const line = {
        request_id: summary.id,
        decision: verdict.decision,
        risk: verdict.risk,
        ok: done.ok,
        reasoning: verdict.reasoning,
        ...(done.ok ? { state: done.data.request.state } : { error: done.text }),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
      if (done.ok) decided++;
    }
    page_token = page.data.next_page_token ?? undefined;
  } while (page_token);
  return decided;
}

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => (stopping = true));
try {
  do {
    const n = await pass();
    say(`${n} request(s) decided`);
    if (opt.once) break;
    await new Promise((r) => setTimeout(r, Number(opt.interval) * 1000));
  } while (!stopping);
} finally {
  await client.close();
}
