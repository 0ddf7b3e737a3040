import { z } from 'zod';
import type { RequestView } from '../../core/requests/view.js';
import { safeText } from '../../core/validation/text.js';
import { CREATE_REMOTE } from '../annotations.js';
import { defineTool } from '../define.js';
import { RequestIdArg, RequestOut } from '../schemas.js';

/** What the caller should do next with an extension, by its state. */
function extensionStep(ext: RequestView): string {
  const of = ext.extends_request_id ?? 'the grant';
  switch (ext.state) {
    case 'APPLIED':
      return `Extension ${ext.id} applied: request ${of} is now ACTIVE until ${ext.expires_at}.`;
    case 'PENDING':
      return `Extension ${ext.id} of ${of} is PENDING ${ext.approver_tier === 'ai_review' ? 'AI review' : 'human approval'}; the grant still ends at its current time unless it is approved first. Call wait_for_request with request_id ${ext.id}.`;
    case 'APPROVED':
      return `Extension ${ext.id} is approved and being applied at the provider${ext.error ? ` (retrying: ${ext.error})` : ''}; call wait_for_request with request_id ${ext.id}.`;
    default:
      return `Extension ${ext.id} is ${ext.state}${ext.error ? `: ${ext.error}` : ''}; request ${of} keeps its current end.`;
  }
}

export const extendRequestTool = defineTool({
  name: 'extend_request',
  title: 'Ask for more time on active access',
  right: 'requester',
  description:
    'Asks for more time on one of YOUR grants that is ACTIVE, with a reason. The same policies decide as for ' +
    'request_access: auto (the grant ends later at once), or ai_review / human (PENDING: call wait_for_request ' +
    'with the extension id). A hard ceiling on the total time from activation can never be passed: past it the ' +
    'error says how much more is still allowed. One extension per grant may be open at a time. Release access ' +
    'as soon as the task is done instead of extending "just in case". Returns {request, next_step} where ' +
    'request is the extension (extends_request_id names the grant).',
  input: z
    .object({
      request_id: RequestIdArg.describe('id (req_…) of YOUR ACTIVE request to extend'),
      duration: z
        .union([safeText(32).min(1), z.number().int().positive()])
        .describe('time to add: "30m", "1h" or seconds'),
      reason: safeText(4096)
        .min(1)
        .describe('why you need more time; approvers read it, the audit log keeps it'),
    })
    .strict(),
  output: {
    request: RequestOut,
    next_step: z.string().describe('what to do next'),
  },
  // Reaches the provider when auto-approved (the expiry moves there first).
  annotations: CREATE_REMOTE,
  async run(ctx, a) {
    const request: RequestView = await ctx.verbs.extendRequest(ctx.actor, {
      id: a.request_id,
      duration: a.duration,
      reason: a.reason,
    });
    const next = extensionStep(request);
    return { structured: { request, next_step: next }, summary: next };
  },
});
