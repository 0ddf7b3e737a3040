import type { MiddlewareHandler } from 'hono';
import type { HonoEnv } from '../env.js';
import { errorResponse } from '../errors.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Hostname of a Host header value (`[::1]:8080` → `[::1]`, `localhost:80` → `localhost`). */
function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0]!;
}

/** True for a hostname only this machine answers (`localhost`, 127.0.0.0/8, `[::1]`). */
export function isLoopbackHostname(name: string): boolean {
  return LOOPBACK.has(name) || /^127(\.\d{1,3}){3}$/.test(name);
}

/**
 * In dev identity mode anyone who reaches the server can mint a token, so the server listens on
 * loopback only; this also refuses other Host names, which stops DNS-rebinding pages in a browser
 * from talking to it (docs/adr/0005-dev-identity-mode.md).
 *
 * A request without a Host header is refused too: it can only come from a socket speaking
 * HTTP/1.0 (Node refuses HTTP/1.1 without one), and its URL names the address this server listens
 * on, not one the client chose. `app.request()` from code in this process has no runtime env (no
 * socket, no peer to rebind); only such a call is judged by its URL.
 */
export function loopbackHostOnly(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const header = c.req.header('host');
    const host = header ?? (c.env === undefined ? new URL(c.req.url).host : undefined);
    if (host === undefined)
      return errorResponse(c, 'FORBIDDEN', 'dev identity mode refuses requests without a Host header');
    if (!isLoopbackHostname(hostname(host.toLowerCase())))
      return errorResponse(
        c,
        'FORBIDDEN',
        'dev identity mode only answers requests addressed to a loopback host',
      );
    await next();
  };
}
