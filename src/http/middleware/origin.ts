import type { MiddlewareHandler } from 'hono';
import type { HonoEnv } from '../env.js';
import { errorResponse } from '../errors.js';
import { isLoopbackHostname } from './loopback-host.js';

export interface OriginOptions {
  /** Exact origins allowed (config `mcp.allowed_origins`). */
  allowed: readonly string[];
  /** Dev identity mode: also any http(s) origin on a loopback host (a local inspector). */
  loopback: boolean;
}

/**
 * The MCP transport's Origin rule (spec 2025-11-25, "Security Warning"): a request whose Origin is
 * present and not allowed is a 403 before authentication or parsing. No Origin means no browser
 * sent it, which is how every MCP client but a web page talks; those are allowed (docs/adr/0036).
 */
export function allowedOrigin(opts: OriginOptions): MiddlewareHandler<HonoEnv> {
  const allowed = new Set(opts.allowed);
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin === undefined || allowed.has(origin) || (opts.loopback && isLoopbackOrigin(origin)))
      return next();
    return errorResponse(
      c,
      'FORBIDDEN',
      'requests from this Origin are not allowed (see mcp.allowed_origins)',
    );
  };
}

function isLoopbackOrigin(origin: string): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false; // `null` (sandboxed frames, file:) and anything malformed
  }
  return (
    (u.protocol === 'http:' || u.protocol === 'https:') &&
    u.origin === origin &&
    isLoopbackHostname(u.hostname)
  );
}
