/**
 * The MCP SDK's own Client against an in-process app: StreamableHTTPClientTransport whose fetch is
 * `app.request`, so the real /mcp route, auth and tool mapping run. Plus readers for tool results.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

interface InProcessApp {
  request(url: string, init?: RequestInit): Response | Promise<Response>;
}

/** A connected client; `onResponse` sees every /mcp response (for recording bodies). */
export async function connectMcp(
  app: InProcessApp,
  token: string,
  opts: { name?: string; onResponse?: (res: Response) => void } = {},
): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
    fetch: async (url, init) => {
      const res = await app.request(String(url), init);
      opts.onResponse?.(res);
      return res;
    },
  });
  const client = new Client({ name: opts.name ?? 'jitsudo-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/**
 * A raw POST /mcp, as a client other than the SDK would send it: JSON-RPC `body` (sent verbatim when
 * a string), the content types the transport requires, and `headers` (authorization) on top.
 */
export const postMcp = (
  app: InProcessApp,
  headers: Record<string, string>,
  body: unknown = { jsonrpc: '2.0', id: 1, method: 'tools/list' },
) =>
  app.request('http://localhost/mcp', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

export interface CallOpts {
  onprogress?: (p: { progress: number; total?: number; message?: string }) => void;
  timeout?: number;
}

/** Calls a tool and returns its result (isError results included, never thrown). */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
  o: CallOpts = {},
): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, {
    ...(o.onprogress ? { onprogress: o.onprogress, resetTimeoutOnProgress: true } : {}),
    timeout: o.timeout ?? 30_000,
  })) as CallToolResult;
}

export type AskArgs = { role: string; reason: string; [k: string]: unknown };

/** request_access on the mock provider (scope dev unless `args` says otherwise). */
export const requestAccess = (client: Client, args: AskArgs, o: CallOpts = {}): Promise<CallToolResult> =>
  callTool(client, 'request_access', { provider: 'mock', scope: 'dev', ...args }, o);

/** All text of a result. */
export const textOf = (r: CallToolResult): string =>
  r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

/** Text and structured content of a result, for failure messages and leak checks. */
export const fullTextOf = (r: CallToolResult): string =>
  textOf(r) + JSON.stringify(r.structuredContent ?? null);

/** The structured result of a successful call (fails the test on an error result). */
export function ok(r: CallToolResult): any {
  if (r.isError) throw new Error(`tool failed: ${fullTextOf(r)}`);
  return r.structuredContent;
}

/** The JSON error block of an isError result. */
export function errorOf(r: CallToolResult): { code: string; message: string; details?: any } {
  if (!r.isError) throw new Error(`expected an error, got ${fullTextOf(r)}`);
  const block = r.content.find((c) => c.type === 'text' && c.text.startsWith('{"error"'));
  if (block?.type !== 'text') return { code: 'SDK', message: textOf(r) };
  return JSON.parse(block.text).error;
}
