import type { MiddlewareHandler } from 'hono';
import { newId } from '../../core/ids.js';
import type { HonoEnv } from '../env.js';

const SAFE = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Takes a well-formed inbound `X-Request-Id` or makes one; echoes it on the response. Set again
 * after the handler: a handler that returns its own Response (the MCP transport) drops headers set
 * through `c.header` before it ran, and the caller needs the id most when something failed.
 */
export function requestId(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const inbound = c.req.header('x-request-id');
    const id = inbound && SAFE.test(inbound) ? inbound : newId('rq');
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
    c.res.headers.set('X-Request-Id', id);
  };
}
