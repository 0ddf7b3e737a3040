/**
 * Output schemas of the MCP tools: the same outward shapes core returns (RequestView & co). Loose
 * objects, so a field core adds later does not break clients that validate structured output.
 */
import { z } from 'zod';
import { REQUEST_STATES } from '../core/requests/states.js';
import { pageTokenText } from '../core/validation/page-token.js';
import { safeText } from '../core/validation/text.js';

export const ApproverTier = z
  .enum(['auto', 'ai_review', 'human'])
  .describe('who must approve: auto (policy approved it), ai_review (the AI reviewer), human');

export const ApprovalOut = z.looseObject({
  approver: z.string(),
  approver_kind: z.string(),
  on_behalf_of: z.string().optional(),
  decision: z.enum(['approved', 'denied', 'escalated']),
  comment: z.string(),
  reasoning: z.record(z.string(), z.unknown()).optional(),
  created_at: z.string(),
});

export const RequestOut = z.looseObject({
  id: z.string().describe('request id, req_…'),
  state: z.enum(REQUEST_STATES),
  requester: z.looseObject({
    identity: z.string(),
    kind: z.enum(['human', 'agent', 'service']),
    agent: z.looseObject({ id: z.string().optional(), name: z.string(), owner: z.string() }).optional(),
  }),
  provider: z.string(),
  role: z.string(),
  resource_scope: z.string(),
  duration_seconds: z.number(),
  reason: z.string(),
  break_glass: z.boolean(),
  metadata: z.record(z.string(), z.string()),
  approver_tier: ApproverTier,
  approvals_required: z
    .number()
    .describe('N of M: distinct approvers needed; PENDING until that many have approved'),
  approver_groups: z.array(z.string()).describe('an approver must be in one of these groups; empty: any'),
  step_up: z
    .boolean()
    .optional()
    .describe('approving needs a person who signed in to the IdP just now (not an agent, not a Slack click)'),
  approved_by: z.array(z.string()).describe('who has approved so far, one per person, oldest first'),
  approvals: z.array(ApprovalOut),
  created_at: z.string(),
  updated_at: z.string(),
  approved_at: z.string().nullable(),
  granted_at: z.string().nullable(),
  expires_at: z.string().nullable().describe('when an ACTIVE grant ends'),
  pending_expires_at: z.string().nullable().describe('when a PENDING request expires undecided'),
  ended_at: z.string().nullable(),
  end_reason: z.string().nullable(),
  grant_attempts: z.number(),
  revoke_attempts: z.number(),
  next_retry_at: z.string().nullable(),
  error: z.string().nullable(),
  target: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .describe('what the grant really gives, as the provider read it (postgres: every role reached)'),
  cleanup: z
    .looseObject({
      pending: z.string(),
      attempts: z.number(),
      next_retry_at: z.string().nullable(),
      error: z.string().nullable(),
    })
    .nullable()
    .optional()
    .describe('access is cut, but something left at the target is still being removed'),
});

export const RequestResult = { request: RequestOut };

export const RequestPage = {
  requests: z.array(RequestOut),
  next_page_token: z
    .string()
    .nullable()
    .describe('pass back as page_token for the next page; null at the end'),
};

export const AlternativeOut = z.looseObject({
  provider: z.string(),
  role: z.string(),
  resource_scope: z.string(),
  duration_seconds: z.number(),
  break_glass: z.boolean(),
  approver_tier: ApproverTier,
  why: z.string(),
});

/** Inputs shared by the tools. */
export const RequestIdArg = safeText(64)
  .min(1)
  .describe('the request id (req_…) returned by request_access or list_my_requests');
export const PageSizeArg = z
  .number()
  .int()
  .min(1)
  .max(100)
  .optional()
  .describe('results per page, 1–100 (default 20)');
export const PageTokenArg = pageTokenText().optional().describe('next_page_token from the previous page');
