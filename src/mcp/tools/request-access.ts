import { z } from 'zod';
import type { RequestView } from '../../core/requests/view.js';
import { safeText } from '../../core/validation/text.js';
import { CREATE_REMOTE } from '../annotations.js';
import { defineTool } from '../define.js';
import { RequestOut } from '../schemas.js';

/** " (1 of 2 approvals: bob@example.com)" while a quorum of several approvers is incomplete (ADR 0044). */
const quorum = (r: RequestView): string =>
  r.approvals_required > 1
    ? ` (${r.approved_by.length} of ${r.approvals_required} approvals${r.approved_by.length ? `: ${r.approved_by.join(', ')}` : ''})`
    : '';

/** What the caller should do next, by state: the same sentence is the summary and `next_step`. */
export function nextStep(r: RequestView): string {
  switch (r.state) {
    case 'PENDING':
      return `Request ${r.id} is PENDING ${r.approver_tier === 'ai_review' ? 'AI review' : 'human approval'}${quorum(r)}; call wait_for_request with request_id ${r.id}.`;
    case 'APPROVED':
      return `Request ${r.id} is approved and the grant is being issued; call wait_for_request with request_id ${r.id}.`;
    case 'ACTIVE':
      return `Request ${r.id} is ACTIVE until ${r.expires_at}. Run commands with it through exec_with_access (the local \`jitsudo mcp\` server) or \`jitsudo exec ${r.id} -- <command>\`; call release_access when you are done.`;
    case 'FAILED':
      return `Request ${r.id} FAILED${r.error ? `: ${r.error}` : ''}.`;
    default:
      return `Request ${r.id} is ${r.state}${r.end_reason ? ` (${r.end_reason})` : ''}.`;
  }
}

export const requestAccessTool = defineTool({
  name: 'request_access',
  title: 'Request temporary access',
  right: 'requester',
  description:
    'Asks for a role on a scope for a limited time, with a reason. Policy decides at once whether you may ask ' +
    '(if not, the error lists the reasons and the nearest allowed alternatives, e.g. a shorter duration or a ' +
    'read-only role) and who must approve: auto (ACTIVE immediately), ai_review or human (PENDING: then call ' +
    'wait_for_request). Call list_eligible_access first. Returns {request, next_step}; the credentials are never ' +
    'part of the result — use exec_with_access or `jitsudo exec` to run commands with them.',
  input: z
    .object({
      provider: safeText(64).min(1).describe('provider name from list_eligible_access, e.g. aws'),
      role: safeText(256).min(1).describe('role from list_eligible_access'),
      scope: safeText(1024).describe(
        'resource scope from list_eligible_access (account, project, namespace…)',
      ),
      duration: z
        .union([safeText(32).min(1), z.number().int().positive()])
        .optional()
        .describe('how long: "30m", "2h", "1h30m" or seconds; default 1h; at most max_duration_seconds'),
      reason: safeText(4096)
        .min(1)
        .describe(
          'why you need it: the task and what you will do. Approvers read it; the audit log keeps it',
        ),
      ticket: safeText(128).min(1).optional().describe('ticket reference, e.g. JIRA-123'),
      incident: safeText(128).min(1).optional().describe('incident reference, e.g. INC-42'),
      break_glass: z
        .boolean()
        .optional()
        .describe('emergency only: skip approval where policy allows it; loudly audited and alerted'),
    })
    .strict(),
  output: {
    request: RequestOut,
    next_step: z.string().describe('what to do next'),
  },
  annotations: CREATE_REMOTE,
  async run(ctx, a) {
    const metadata: Record<string, string> = {};
    if (a.ticket !== undefined) metadata.ticket = a.ticket;
    if (a.incident !== undefined) metadata.incident = a.incident;
    const request: RequestView = await ctx.verbs.createRequest(ctx.actor, {
      provider: a.provider,
      role: a.role,
      resource_scope: a.scope,
      ...(a.duration !== undefined ? { duration: a.duration } : {}),
      reason: a.reason,
      break_glass: a.break_glass ?? false,
      metadata,
    });
    const next = nextStep(request);
    return { structured: { request, next_step: next }, summary: next };
  },
});
