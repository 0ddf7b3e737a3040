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
        /** What the sink said about its latest noted success (e.g. a capped approver fan-out, ADR 0057). */
        last_note: z.string().nullable(),
      }),
    ),
    /** SIEM streams of the audit rows (ADR 0049): cursor, rows not yet delivered, failures in a row. */
    siem: z.array(
      z.object({
        sink: z.string(),
        last_id: z.number().int(),
        behind: z.number().int(),
        failures: z.number().int(),
        last_error: z.string().nullable(),
      }),
    ),
  })
  .openapi('OutboxStatus');
export type OutboxStatus = z.infer<typeof OutboxStatus>;

export const RequeueBody = z
  .object({
    sink: z.string().optional().openapi({ description: 'only this configured sink' }),
    event_id: z.string().optional().openapi({ description: 'only this event (evt_…)' }),
    all: z.boolean().optional().openapi({ description: 'every dead delivery of every configured sink' }),
  })
  .openapi('RequeueInput');

export const RequeueResult = z
  .object({
    requeued: z.number().int(),
    sinks: z.array(z.object({ sink: z.string(), count: z.number().int() })),
  })
  .openapi('RequeueResult');
export type RequeueResult = z.infer<typeof RequeueResult>;
