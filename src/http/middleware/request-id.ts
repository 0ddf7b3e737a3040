import type { MiddlewareHandler } from 'hono';
import { newId } from '../../core/ids.js';
import type { HonoEnv } from '../env.js';

const SAFE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Takes a well-formed inbound `X-Request-Id` or makes one; echoes it on the response. */
export function requestId(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const inbound = c.req.header('x-request-id');
    const id = inbound && SAFE.test(inbound) ? inbound : newId('rq');
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  };
}
