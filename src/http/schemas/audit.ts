import { z } from '@hono/zod-openapi';
import { safeText } from '../../core/validation/text.js';
import { safeDateTime } from '../../core/validation/time.js';

export const AuditEvent = z
  .object({
    id: z.number().int(),
    ts: z
      .string()
      .openapi({ description: 'UTC, microsecond precision', example: '2026-03-20T16:00:00.123000Z' }),
    actor: z.string(),
    actor_kind: z.string(),
    on_behalf_of: z.string().nullable(),
    action: z.string().openapi({ example: 'request.created' }),
    request_id: z.string().nullable(),
    provider: z.string().nullable(),
    resource_scope: z.string().nullable(),
    outcome: z.enum(['success', 'denied', 'failure', 'error']),
    details: z.record(z.string(), z.unknown()),
    prev_hash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditEvent');

export const AuditList = z
  .object({ events: z.array(AuditEvent), next_page_token: z.string().nullable() })
  .openapi('AuditList');

const q = (name: string) => ({ param: { name, in: 'query' as const } });
export const AuditQuery = z.object({
  actor: safeText(254).optional().openapi(q('actor')),
  request_id: safeText(64).optional().openapi(q('request_id')),
  action: safeText(64).optional().openapi(q('action')),
  provider: safeText(64).optional().openapi(q('provider')),
  since: safeDateTime().optional().openapi(q('since')),
  until: safeDateTime().optional().openapi(q('until')),
});

export const AuditVerifyResult = z
  .object({
    ok: z.boolean(),
    rows_checked: z.number().int(),
    head: z.object({ id: z.number().int(), hash: z.string() }).nullable().optional(),
    checkpoints: z.record(z.string(), z.unknown()).optional(),
    first_broken: z
      .object({ id: z.number().int(), kind: z.string(), message: z.string() })
      .nullable()
      .optional(),
  })
  .passthrough()
  .openapi('AuditVerifyResult');

export const AuditVerifyInput = z
  .object({
    anchor: z.record(z.string(), z.unknown()).optional().openapi({
      description:
        'The newest checkpoint from the `audit.anchor` file (one JSON line): a tail truncated together with its checkpoints is then detected',
    }),
  })
  .openapi('AuditVerifyInput');
