import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { RetryPolicy } from './retry.js';

/** Keys every provider section accepts: call timeout, bounded retries, an upper bound on duration. */
export const CommonSection = {
  timeout_ms: z.number().int().positive().default(10_000),
  retry: z
    .object({
      attempts: z.number().int().min(1).max(10).default(3),
      base_delay_ms: z.number().int().min(0).default(200),
      max_delay_ms: z.number().int().min(0).default(2_000),
    })
    .strict()
    .default({ attempts: 3, base_delay_ms: 200, max_delay_ms: 2_000 }),
  max_duration_seconds: z.number().int().positive().optional(),
};

export const toRetryPolicy = (r: {
  attempts: number;
  base_delay_ms: number;
  max_delay_ms: number;
}): RetryPolicy => ({ attempts: r.attempts, baseDelayMs: r.base_delay_ms, maxDelayMs: r.max_delay_ms });

/** Parses `providers.<name>` with its schema; the error names the bad key like config.ts does. */
export function parseSection<S extends z.ZodType>(name: string, schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const key = ['providers', name, ...issue.path.map(String)].join('.');
  throw new AppError('VALIDATION', `invalid config key ${key}: ${issue.message}`, {
    details: { key },
  });
}
