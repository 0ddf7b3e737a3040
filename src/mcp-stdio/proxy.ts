/**
 * The local MCP server behind `jitsudo mcp`: re-exposes the remote jitsudod /mcp tool set as is
 * (names, schemas, annotations; calls and progress notifications forwarded) and adds
 * exec_with_access, which runs here because only here can a command get the credentials without
 * the model seeing them. Holds no logic of the remote tools: jitsudod decides everything.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { createClient } from '../client/client.js';
import { authorizedFetch, type BearerSession, type Fetch, sessionErrorIn } from './bearer.js';
import {
  EXEC_DESCRIPTION,
  EXEC_TOOL_NAME,
  type ExecDeps,
  ExecInput,
  ExecOutput,
  execWithAccess,
} from './exec-tool.js';

export interface ProxyOptions {
  /** jitsudod base URL (the MCP endpoint is `<server>/mcp`). */
  server: string;
  /** An agent token (fixed), or a `jitsudo login` session asked before every upstream call. */
  token: string | BearerSession;
  version: string;
  maxOutputBytes: number;
  /** The child's base environment; defaults to ours without JITSUDO_TOKEN. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Diagnostics (stderr); never given a secret. */
  log?: (line: string) => void;
  fetch?: Fetch;
  killGraceMs?: number;
}

/** Long enough for wait_for_request (≤ 5 min) plus slack; progress resets it anyway. */
const FORWARD_TIMEOUT_MS = 6 * 60_000;
const EXEC_INSTRUCTIONS =
  'exec_with_access (local to this machine) runs a command with the credentials of one of your ACTIVE requests; ' +
  'you never see the credentials, and they are redacted from the output.';

const EXEC_TOOL: Tool = {
  name: EXEC_TOOL_NAME,
  title: 'Run a command with an active grant',
  description: EXEC_DESCRIPTION,
  inputSchema: jsonSchema(ExecInput, 'input') as Tool['inputSchema'],
  outputSchema: jsonSchema(ExecOutput, 'output') as Tool['outputSchema'],
  // It runs an arbitrary command with live cloud credentials.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
};

function jsonSchema(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { target: 'draft-7', io }) as Record<string, unknown>;
  return rest;
}

/** The environment a command inherits: ours, minus our own bearer token. */
export function defaultBaseEnv(): NodeJS.ProcessEnv {
  const { JITSUDO_TOKEN: _, ...env } = process.env;
  return env;
}

export interface StdioProxy {
  server: Server;
  close(): Promise<void>;
}

/** How long start-up waits for jitsudod (to pass on its instructions) before going on without. */
const WARM_UP_MS = 5000;

/**
 * Builds the proxy server. Start-up tries the remote once, to pass its instructions on; when
 * jitsudod is down the server starts anyway and every call retries the connection.
 * Invariant: exec_with_access results never contain a credential value.
 */
export async function createStdioProxy(opts: ProxyOptions): Promise<StdioProxy> {
  const log = opts.log ?? (() => {});
  const base = opts.server.replace(/\/+$/, '');
  const mcpUrl = new URL(`${base}/mcp`);
  const session = typeof opts.token !== 'string';
  const bearer = authorizedFetch(opts.token, opts.fetch ?? ((url, init) => fetch(url, init)));
  const api = createClient({ server: base, fetch: bearer.fetch });
  const exec: ExecDeps = {
    // The client reports any fetch failure as "cannot reach"; a failed refresh says more than that.
    fetchGrant: (id) =>
      api.getCredentials(id).catch((e) => {
        throw bearer.failure() ?? e;
      }),
    baseEnv: opts.baseEnv ?? defaultBaseEnv(),
    // Our bearer is redacted from a command's output too: the one sent last (a session rotates it).
    get extraSecrets(): Record<string, string> {
      const t = bearer.lastToken();
      return t ? { JITSUDO_TOKEN: t } : {};
    },
    maxOutputBytes: opts.maxOutputBytes,
    killGraceMs: opts.killGraceMs,
  };

  let remote: Promise<Client> | undefined;
  let remoteTools: Tool[] | undefined;
  const connect = () => {
    remote ??= (async () => {
      const client = new Client({ name: 'jitsudo-mcp-stdio', version: opts.version });
      // The bearer is set per HTTP request (not once at connect): a session's token changes.
      const transport = new StreamableHTTPClientTransport(mcpUrl, { fetch: bearer.fetch });
      await client.connect(transport);
      return client;
    })().catch((e) => {
      remote = undefined;
      throw unreachable(e);
    });
    return remote;
  };

  let remoteInstructions: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const client = await Promise.race([
      connect(),
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error(`no answer within ${WARM_UP_MS / 1000} s`)), WARM_UP_MS);
      }),
    ]);
    remoteInstructions = client.getInstructions();
  } catch (e) {
    log(`jitsudo mcp: ${(e as Error).message} (retrying on the next call)`);
  } finally {
    clearTimeout(timer);
  }
  const server = new Server(
    { name: 'jitsudo', version: opts.version },
    {
      capabilities: { tools: {} },
      instructions: remoteInstructions ? `${remoteInstructions}\n\n${EXEC_INSTRUCTIONS}` : EXEC_INSTRUCTIONS,
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const client = await connect();
    if (!remoteTools) {
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined).catch((e) => {
          throw unreachable(e);
        });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      remoteTools = tools.filter((t) => t.name !== EXEC_TOOL_NAME);
    }
    return { tools: [...remoteTools, EXEC_TOOL] };
  });

  server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
    const { name, arguments: args } = req.params;
    const progressToken = req.params._meta?.progressToken;
    const progress = (p: { progress: number; total?: number; message?: string }) =>
      progressToken === undefined
        ? Promise.resolve()
        : extra.sendNotification({ method: 'notifications/progress', params: { progressToken, ...p } });

    if (name === EXEC_TOOL_NAME) {
      const parsed = ExecInput.safeParse(args ?? {});
      if (!parsed.success)
        return errorResult(`invalid arguments for ${EXEC_TOOL_NAME}: ${describe(parsed.error)}`);
      const outcome = await execWithAccess(exec, parsed.data, {
        signal: extra.signal,
        onTick: (ms) =>
          void progress({ progress: Math.round(ms / 1000), message: 'command running' }).catch(() => {}),
      });
      if (!outcome.ok) return errorResult(outcome.message);
      const r = outcome.result;
      log(`exec_with_access ${r.request_id}: exit ${r.exit_code ?? r.signal} in ${r.duration_ms} ms`);
      return { content: [{ type: 'text', text: JSON.stringify(r) }], structuredContent: r };
    }

    let client: Client;
    try {
      client = await connect();
    } catch (e) {
      return errorResult((e as Error).message);
    }
    try {
      return (await client.callTool({ name, arguments: args }, undefined, {
        signal: extra.signal,
        timeout: FORWARD_TIMEOUT_MS,
        resetTimeoutOnProgress: true,
        onprogress: (p) => void progress(p).catch(() => {}),
      })) as CallToolResult;
    } catch (e) {
      // A JSON-RPC error from jitsudod goes back as it came; a transport failure (or a login that
      // could not be refreshed) becomes a tool error.
      if (e instanceof McpError && !sessionErrorIn(e)) throw unreachable(e);
      return errorResult(unreachable(e).message);
    }
  });

  return {
    server,
    async close() {
      await server.close();
      const r = await remote?.catch(() => undefined);
      await r?.close();
    },
  };

  /** Any failure reaching jitsudod as an RpcError with an actionable message. */
  function unreachable(e: unknown): RpcError {
    if (e instanceof RpcError) return e;
    const expired = sessionErrorIn(e);
    if (expired) return new RpcError(ErrorCode.InvalidRequest, expired.message);
    // The SDK prefixes "MCP error <code>: " and would prefix again when we pass it on.
    if (e instanceof McpError)
      return new RpcError(e.code, e.message.replace(/^MCP error -?\d+: /, ''), e.data);
    if (e instanceof StreamableHTTPError && (e.code === 401 || e.code === 403))
      return new RpcError(
        ErrorCode.InvalidRequest,
        session
          ? `jitsudod at ${base} rejected your login (HTTP ${e.code}), even after a refresh; run \`jitsudo login\` again`
          : `jitsudod at ${base} rejected this MCP server's token (HTTP ${e.code}); check JITSUDO_TOKEN or ask the agent's owner for a new one`,
      );
    // fetch hides the reason (ECONNREFUSED, ENOTFOUND…) a cause or two down.
    let cause: string | undefined;
    let deepest: string | undefined;
    for (
      let c = e as { cause?: unknown; code?: unknown; message?: unknown } | undefined;
      c && !cause;
      c = c.cause as typeof c
    ) {
      if (typeof c.code === 'string') cause = c.code;
      if (typeof c.message === 'string') deepest = c.message;
    }
    return new RpcError(
      ErrorCode.InternalError,
      `cannot reach jitsudod at ${base}: ${cause ?? deepest ?? 'network error'}`,
    );
  }
}

/** A JSON-RPC error the SDK's server sends as is (it reads `code`, `message` and `data`). */
class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

function errorResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

function describe(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`)
    .join('; ');
}
