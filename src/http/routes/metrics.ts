import { createHash, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import type { HonoEnv } from '../env.js';
import { errorResponse } from '../errors.js';
import type { MetricsEndpoint } from '../metrics-port.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * GET /metrics in Prometheus text format. With a bearer token configured, anything else is a 401
 * (compared in constant time). Not in the OpenAPI document: it is for scrapers, not API clients.
 */
export function registerMetricsRoute(app: Hono<HonoEnv>, endpoint: MetricsEndpoint): void {
  const expected = endpoint.bearerToken === undefined ? undefined : digest(endpoint.bearerToken);
  app.get('/metrics', async (c) => {
    if (expected) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
      if (!m || !timingSafeEqual(digest(m[1]!), expected))
        return errorResponse(c, 'UNAUTHENTICATED', 'metrics need the configured bearer token');
    }
    const { contentType, body } = await endpoint.render();
    c.header('Cache-Control', 'no-store');
    return c.body(body, 200, { 'Content-Type': contentType });
  });
}
