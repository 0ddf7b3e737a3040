/**
 * `/mcp`: Streamable HTTP in stateless mode on the same Hono app as the API. Per POST: authenticate
 * the bearer token, or without one a verified mTLS client certificate (401 + WWW-Authenticate naming
 * the protected-resource metadata otherwise, ADR 0043), build a new server and transport, answer.
 * JSON responses by default; an SSE stream when a call carries a progressToken, because progress
 * notifications can only travel on a stream. GET/DELETE (sessions, standalone streams) are 405.
 * A JSON-RPC batch is a 400; tool calls in flight are capped per principal (limits.ts). The Origin
 * check sits in front of this route (src/http/middleware/origin.ts).
 */
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Context, Hono } from 'hono';
import pino, { type Logger } from 'pino';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/errors.js';
import type { Authenticator } from '../core/identity/index.js';
import { DEFAULT_WAIT, type McpVerbs, type WaitOptions } from './context.js';
import { createCallLimiter, DEFAULT_LIMITS, type McpLimits } from './limits.js';
import { createMcpServer } from './server.js';

export const MCP_PATH = '/mcp';

export interface McpRouteOptions {
  verbs: McpVerbs;
  authenticator: Authenticator;
  /** mTLS (tls.client_identity): a verified client certificate stands in for a missing bearer token. */
  fromCertificate?: (c: Context<any>) => Actor | undefined;
  version: string;
  log?: Logger;
  wait?: Partial<WaitOptions>;
  /** Per-principal caps on calls in flight (config `mcp.max_concurrent_*`). */
  limits?: Partial<McpLimits>;
  /** Tool call latency and outcome, for metrics. */
  observeTool?: (tool: string, seconds: number, ok: boolean) => void;
}

/** The bearer token of the request; throws UNAUTHENTICATED (→ 401 with WWW-Authenticate). */
function bearer(header: string | undefined): string {
  if (!header)
    throw new AppError('UNAUTHENTICATED', 'missing bearer token: send Authorization: Bearer <token>');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new AppError('UNAUTHENTICATED', 'authorization header must use the Bearer scheme');
  return m[1]!;
}

/** True when the request in the body asks for progress notifications. */
function wantsProgress(body: unknown): boolean {
  const meta = (body as { params?: { _meta?: { progressToken?: unknown } } } | null)?.params?._meta;
  return meta?.progressToken !== undefined;
}

/** A JSON-RPC error without an id, as the transport itself answers protocol errors. */
const rpcError = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

/** Mounts POST/GET/DELETE /mcp on `app` (errors go through the app's one HTTP error mapper). */
export function registerMcpRoute(app: Hono<any>, opts: McpRouteOptions): void {
  const log = opts.log ?? pino({ level: 'silent' });
  const wait: WaitOptions = { ...DEFAULT_WAIT, ...opts.wait };
  const limiter = createCallLimiter({ ...DEFAULT_LIMITS, ...opts.limits });
  app.post(MCP_PATH, async (c) => {
    const header = c.req.header('authorization');
    // As on the API (ADR 0041): a bearer token, when sent, wins over the connection's certificate.
    const certActor = !header ? opts.fromCertificate?.(c) : undefined;
    const actor = certActor ?? (await opts.authenticator.authenticate(bearer(header)));
    const raw = c.req.raw;
    let parsed: unknown;
    let req: Request = raw;
    const text = await raw.text();
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: let the transport answer with its JSON-RPC parse error.
      req = new Request(raw.url, { method: 'POST', headers: raw.headers, body: text });
    }
    // Batches were removed from MCP in 2025-06-18; refused before any message in one runs.
    if (Array.isArray(parsed))
      return rpcError(
        400,
        -32600,
        'Invalid Request: JSON-RPC batches are not supported; send one message per POST',
      );
    // The request's logger (it carries the request id) when the app set one.
    const reqLog: Logger = c.get('log') ?? log;
    const server = createMcpServer(
      {
        actor,
        verbs: opts.verbs,
        log: reqLog,
        wait,
        limiter,
        signal: raw.signal,
        observeTool: opts.observeTool,
      },
      opts.version,
    );
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: parsed === undefined || !wantsProgress(parsed),
    });
    await server.connect(transport);
    return transport.handleRequest(req, parsed === undefined ? {} : { parsedBody: parsed });
  });
  const notAllowed = () =>
    rpcError(405, -32000, 'Method not allowed: this server is stateless; POST JSON-RPC to /mcp', {
      allow: 'POST',
    });
  app.get(MCP_PATH, notAllowed);
  app.delete(MCP_PATH, notAllowed);
}
