/**
 * The separate metrics listener (`metrics.addr`, ADR 0053): GET /metrics and nothing else, so a
 * port opened to the monitoring network never reaches the API, /mcp or the dev-token endpoint.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { Config } from '../../core/config.js';
import { AppError } from '../../core/errors.js';
import type { HonoEnv } from '../../http/env.js';
import { errorResponse, mapError } from '../../http/errors.js';
import type { MetricsEndpoint } from '../../http/metrics-port.js';
import { requestId } from '../../http/middleware/request-id.js';
import { securityHeaders } from '../../http/middleware/security-headers.js';
import { registerMetricsRoute } from '../../http/routes/metrics.js';

/** The app served on metrics.addr. */
export function metricsApp(endpoint: MetricsEndpoint): Hono<HonoEnv> {
  const app = new Hono<HonoEnv>();
  app.onError(mapError);
  app.notFound((c) => errorResponse(c, 'NOT_FOUND', 'this listener serves GET /metrics only'));
  app.use('*', securityHeaders());
  app.use('*', requestId());
  registerMetricsRoute(app, endpoint);
  return app;
}

/** The scrapers' bearer token from metrics.bearer_token_file (read once at start), or undefined. */
export function metricsBearerToken(config: Readonly<Config>): string | undefined {
  const file = config.metrics.bearer_token_file;
  if (file === undefined) return undefined;
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch {
    throw new AppError('VALIDATION', `invalid config key metrics.bearer_token_file: cannot read ${file}`);
  }
  if (token.length < 16)
    throw new AppError(
      'VALIDATION',
      'invalid config key metrics.bearer_token_file: the token must be at least 16 characters',
    );
  return token;
}
