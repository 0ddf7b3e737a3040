import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { HonoEnv } from '../env.js';
import type { HttpMetrics } from '../metrics-port.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Times every request by the pattern of the route that answered. A request answered by a
 * middleware (a 401 from the bearer check, a 413) is labelled with that middleware's pattern
 * (`/api/v1alpha1/*`); an unknown path is `unmatched`: every label value is a registered pattern.
 */
export function requestMetrics(metrics: HttpMetrics): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      let route = routePath(c) || 'unmatched';
      if (route === '*' || route === '/*') route = 'unmatched';
      const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
      metrics.observeRequest(route, method, c.res.status, (performance.now() - started) / 1000);
    }
  };
}
