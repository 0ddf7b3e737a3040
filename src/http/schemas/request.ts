import { z } from '@hono/zod-openapi';
import { REQUEST_STATES } from '../../core/requests/states.js';
import { safeText } from '../../core/validation/text.js';
import { QueryBool } from './common.js';

export const RequestState = z.enum(REQUEST_STATES).openapi('RequestState');

export const Approval = z
  .object({
    approver: z.string(),
    decision: z.string().openapi({ example: 'approved' }),
    comment: z.string().optional(),
    created_at: z.string(),
  })
  .passthrough()
  .openapi('Approval');

export const ElevationRequest = z
  .object({
    id: z.string().openapi({ example: 'req_01J9Z7X3R4T5V6W7X8Y9Z0ABCD' }),
    state: RequestState,
    requester: z.object({
      identity: z.string(),
      kind: z.enum(['human', 'agent', 'service']),
      agent: z.object({ name: z.string(), owner: z.string() }).passthrough().optional(),
    }),
    provider: z.string(),
    role: z.string(),
    resource_scope: z.string(),
    duration_seconds: z.number().int(),
    reason: z.string(),
    break_glass: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    approver_tier: z.enum(['auto', 'ai_review', 'human']).nullable().optional(),
    approvals_required: z.number().int().min(1).openapi({
      description:
        'N of M: how many distinct approvers the request needs, fixed by the approval policy at creation',
      example: 2,
    }),
    approver_groups: z.array(z.string()).openapi({
      description: 'an approver must be in one of these groups to decide; empty: no group restriction',
    }),
    step_up: z.boolean().optional().openapi({
      description:
        'approving needs a fresh IdP sign-in (auth_time within approvals.step_up_max_age_seconds); a Slack click gets a sign-in link instead (ADR 0050)',
    }),
    approved_by: z.array(z.string()).openapi({
      description: 'who has approved so far, one per person (an agent counts for its owner), oldest first',
      example: ['alice@example.com'],
    }),
    approvals: z.array(Approval),
    created_at: z.string(),
    updated_at: z.string(),
    expires_at: z.string().nullable().optional(),
    pending_expires_at: z.string().nullable().optional(),
    error: z.string().nullable().optional(),
    target: z.record(z.string(), z.unknown()).nullable().optional().openapi({
      description:
        'what the grant really gives, as the provider read it at creation (postgres: every role reached)',
    }),
    cleanup: z
      .object({
        pending: z.string(),
        attempts: z.number().int(),
        next_retry_at: z.string().nullable(),
        error: z.string().nullable(),
      })
      .nullable()
      .optional()
      .openapi({ description: 'access is cut, but something left at the target is still being removed' }),
  })
  .passthrough()
  .openapi('Request');

export const RequestEnvelope = z.object({ request: ElevationRequest }).openapi('RequestEnvelope');

export const CreateRequestBody = z
  .object({
    provider: safeText(64).min(1).openapi({ example: 'mock' }),
    role: safeText(512).min(1).openapi({ example: 'admin' }),
    resource_scope: safeText(1024).openapi({ example: 'sandbox' }),
    duration: z
      .union([safeText(64), z.number()])
      .optional()
      .openapi({ description: '`30m`, `2h30m`, `1d` or whole seconds; default 1h', example: '30m' }),
    duration_seconds: z.number().int().optional().openapi({ description: 'alternative to `duration`' }),
    reason: safeText().openapi({ example: 'investigating INC-123' }),
    break_glass: z.boolean().optional(),
    metadata: z.record(safeText(), safeText()).optional(),
  })
  .strict()
  .openapi('CreateRequestInput');

export const ListRequestsQuery = z.object({
  state: RequestState.optional().openapi({ param: { name: 'state', in: 'query' } }),
  mine: QueryBool.optional().openapi({ param: { name: 'mine', in: 'query' }, type: 'boolean' }),
  pending: QueryBool.optional().openapi({
    param: {
      name: 'pending',
      in: 'query',
      description: 'requests waiting for a decision the caller may make',
    },
    type: 'boolean',
  }),
  requester: safeText(254)
    .optional()
    .openapi({ param: { name: 'requester', in: 'query' } }),
});

export const RequestList = z
  .object({ requests: z.array(ElevationRequest), next_page_token: z.string().nullable() })
  .openapi('RequestList');

export const ApproveBody = z
  .object({ comment: safeText(4096).optional() })
  .strict()
  .openapi('ApproveRequestInput');
export const DenyBody = z
  .object({ reason: safeText(4096).min(1) })
  .strict()
  .openapi('DenyRequestInput');
export const ReasonBody = z
  .object({ reason: safeText(4096).optional() })
  .strict()
  .openapi('RevokeOrCancelInput');

export const Grant = z
  .object({
    request_id: z.string(),
    /** Env variable name → secret value. */
    credentials: z.record(z.string(), z.string()),
    expires_at: z.string(),
    notice: z.string().optional(),
  })
  .passthrough()
  .openapi('Grant');
export const GrantEnvelope = z.object({ grant: Grant }).openapi('GrantEnvelope');
