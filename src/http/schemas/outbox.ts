import { z } from '@hono/zod-openapi';

export const OutboxStatus = z
  .object({
    undispatched: z.number().int(),
    sinks: z.array(
      z.object({
        sink: z.string(),
        pending: z.number().int(),
        delivered: z.number().int(),
        dead: z.number().int(),
        oldest_pending_age_seconds: z.number().int().nullable(),
        last_error: z.string().nullable(),
      }),
    ),
  })
  .openapi('OutboxStatus');
export type OutboxStatus = z.infer<typeof OutboxStatus>;
