import type { MiddlewareHandler } from 'hono';
import type { HonoEnv } from '../env.js';

/*
 * Both set their headers after the handler: a handler that returns its own Response (the MCP
 * transport) drops whatever was set through `c.header` before it ran.
 */

/** On every response: no MIME sniffing of JSON into something renderable, no Referer leaking paths. */
export function securityHeaders(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('Referrer-Policy', 'no-referrer');
  };
}

/** API and /mcp responses carry requests, audit rows and tokens: no cache or proxy may keep them. */
export function noStore(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    await next();
    c.res.headers.set('Cache-Control', 'no-store');
  };
}
