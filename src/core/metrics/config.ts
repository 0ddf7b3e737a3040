/**
 * `metrics:` in the server config (ADR 0053): where GET /metrics is served and who may read it.
 * Off by default; production mode refuses a way of serving it that anyone on the network could read
 * without saying so (src/server/production-mode.ts).
 */
import { z } from 'zod';

export const MetricsConfig = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe('Serve Prometheus metrics at GET /metrics (off by default).'),
    addr: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A separate plain-HTTP listener (host:port) for /metrics only; absent: /metrics is on the main listener.',
      ),
    bearer_token_file: z
      .string()
      .min(1)
      .optional()
      .describe(
        'File holding the bearer token a scraper must send; required in production mode on the main listener.',
      ),
    allow_unauthenticated: z
      .boolean()
      .default(false)
      .describe(
        'Production mode: accept a non-loopback metrics.addr without a bearer token (the network restricts who reaches it).',
      ),
    refresh_seconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(15)
      .describe(
        'Database-derived gauges (request counts, backlogs, audit head) are recounted at most this often.',
      ),
  })
  .strict();

export type MetricsConfig = z.infer<typeof MetricsConfig>;

export const METRICS_DEFAULTS: MetricsConfig = {
  enabled: false,
  allow_unauthenticated: false,
  refresh_seconds: 15,
};
