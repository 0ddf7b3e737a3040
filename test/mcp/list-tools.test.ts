/**
 * tools/list answers from schemas converted once per process (src/mcp/list-tools.ts). The listing
 * must be exactly what the SDK's own handler lists for the same registrations, for every set of
 * rights, and stay the same when later servers reuse the converted schemas.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/actor.js';
import { DEFAULT_WAIT, type McpVerbs } from '../../src/mcp/context.js';
import { mayUse } from '../../src/mcp/define.js';
import { createCallLimiter } from '../../src/mcp/limits.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { TOOLS } from '../../src/mcp/tools/index.js';

const ctxFor = (scopes: string[]) => ({
  actor: { identity: 'agent:t', kind: 'agent', groups: [], scopes, isAdmin: false } as unknown as Actor,
  verbs: {} as McpVerbs,
  log: pino({ level: 'silent' }),
  wait: DEFAULT_WAIT,
  limiter: createCallLimiter(),
});

async function listOf(server: McpServer) {
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const client = new Client({ name: 'list-test', version: '1' });
  await client.connect(b);
  try {
    return await client.listTools();
  } finally {
    await client.close();
  }
}

/** The oracle: a plain McpServer with the same registrations, listed by the SDK's own handler. */
function sdkListed(scopes: string[]): McpServer {
  const server = new McpServer({ name: 'oracle', version: '0' });
  for (const spec of TOOLS.filter((t) => mayUse(ctxFor(scopes), t.right)))
    server.registerTool(
      spec.name,
      {
        title: spec.title,
        description: spec.description,
        inputSchema: spec.input,
        outputSchema: spec.output,
        annotations: { title: spec.title, ...spec.annotations },
      },
      async () => ({ content: [] }),
    );
  return server;
}

describe('tools/list from converted-once schemas', () => {
  for (const scopes of [['requester'], ['ai-reviewer'], ['requester', 'ai-reviewer']])
    it(`lists what the SDK would for ${scopes.join(' + ')}, again on a later server`, async () => {
      const expected = await listOf(sdkListed(scopes));
      expect(expected.tools.length).toBeGreaterThan(0);
      const first = await listOf(createMcpServer(ctxFor(scopes), '0'));
      const second = await listOf(createMcpServer(ctxFor(scopes), '0'));
      expect(JSON.stringify(first)).toBe(JSON.stringify(expected));
      expect(JSON.stringify(second)).toBe(JSON.stringify(expected));
    });
});
