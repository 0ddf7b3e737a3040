import type { MiddlewareHandler } from 'hono';
import type { HonoEnv } from '../env.js';
import { errorResponse } from '../errors.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Hostname of a Host header value (`[::1]:8080` → `[::1]`, `localhost:80` → `localhost`). */
function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0]!;
}

/**
 * In dev identity mode anyone who reaches the server can mint a token, so the server listens on
 * loopback only; this also refuses other Host names, which stops DNS-rebinding pages in a browser
 * from talking to it (docs/adr/0002-dev-identity-mode.md).
 */
export function loopbackHostOnly(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const host = (c.req.header('host') ?? new URL(c.req.url).host).toLowerCase();
    const name = hostname(host);
    if (!(LOOPBACK.has(name) || /^127(\.\d{1,3}){3}$/.test(name)))
      return errorResponse(
        c,
        'FORBIDDEN',
        'dev identity mode only answers requests addressed to a loopback host',
      );
    await next();
  };
}
