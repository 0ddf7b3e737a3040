import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { HonoEnv } from '../env.js';

/** A step-up link's path carries its token (ADR 0050): logged without it. */
const STEP_UP_LINK = /^\/step-up\/(?!callback$|decide$)[^/]+$/;
const loggedPath = (p: string) => (STEP_UP_LINK.test(p) ? '/step-up/[link]' : p);

/**
 * One log line per request (method, path, status, duration, actor) on a child logger that carries
 * the request id. Headers, bodies and query strings are never logged: they can hold tokens.
 */
export function requestLog(root: Logger): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const started = performance.now();
    const log = root.child({ requestId: c.get('requestId') });
    c.set('log', log);
    await next();
    const status = c.res.status;
    const line = {
      method: c.req.method,
      path: loggedPath(c.req.path),
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      actor: c.get('actor')?.identity,
    };
    if (status >= 500) log.error(line, 'request');
    else if (status >= 400) log.warn(line, 'request');
    else log.info(line, 'request');
  };
}
