/**
 * The AI reviewer's decisions. Reasoning is required on each: core stores it on the approval row
 * and in the audit event, whose hash chain makes it tamper-evident.
 */
import { z } from 'zod';
import type { RequestView } from '../../core/requests/view.js';
import { safeText } from '../../core/validation/text.js';
import { CREATE_REMOTE, END, UPDATE } from '../annotations.js';
import { defineTool } from '../define.js';
import { RequestIdArg, RequestResult } from '../schemas.js';

const Reasoning = safeText(8000)
  .trim()
  .min(1)
  .describe(
    'why you decided this: the risk you saw and what you checked. Stored with the decision and in the audit log',
  );
const Comment = safeText(4096)
  .optional()
  .describe('short note shown to the requester (default: derived from the reasoning)');
const Risk = z.enum(['low', 'medium', 'high']).optional().describe('your risk assessment');

const RULES =
  'You may decide only PENDING ai_review requests, never your own, those of the people who control you (your ' +
  'owner and whoever registered you) or those of agents sharing one of them, and the approval policy applies ' +
  'to you like to anyone.';

/** Every decision takes the same arguments. */
const DecisionArgs = z
  .object({ request_id: RequestIdArg, reasoning: Reasoning, risk: Risk, comment: Comment })
  .strict();

/** The part of core's input every decision shares: the request, and the reasoning with the risk. */
const decisionOf = (a: z.output<typeof DecisionArgs>) => ({
  id: a.request_id,
  reasoning: { text: a.reasoning, ...(a.risk ? { risk: a.risk } : {}) },
});

export const approveRequestTool = defineTool({
  name: 'approve_request',
  title: 'Approve a request (AI review)',
  right: 'ai-reviewer',
  description:
    `Approves a request waiting for AI review; once approvals_required distinct approvers have approved, the grant ` +
    `is issued and the request becomes ACTIVE (until then it stays PENDING). ${RULES} ` +
    'Approve only when the reason, scope, role and duration fit together; when unsure, escalate_to_human instead. ' +
    'Returns {request}.',
  input: DecisionArgs,
  output: RequestResult,
  annotations: CREATE_REMOTE,
  async run(ctx, a) {
    const request: RequestView = await ctx.verbs.approveRequest(ctx.actor, {
      ...decisionOf(a),
      comment: a.comment ?? '',
    });
    const quorum =
      request.state === 'PENDING'
        ? ` (${request.approved_by.length} of ${request.approvals_required} approvals: ${request.approved_by.join(', ')})`
        : '';
    return { structured: { request }, summary: `Approved ${request.id}; it is ${request.state}${quorum}.` };
  },
});

export const denyRequestTool = defineTool({
  name: 'deny_request',
  title: 'Deny a request (AI review)',
  right: 'ai-reviewer',
  description:
    `Rejects a request waiting for AI review; the requester sees your comment (or your reasoning). ${RULES} ` +
    'Deny what is clearly out of line (no plausible reason, far too broad, far too long); escalate_to_human what ' +
    'is merely unclear. Returns {request} in state REJECTED.',
  input: DecisionArgs,
  output: RequestResult,
  annotations: END,
  async run(ctx, a) {
    const request: RequestView = await ctx.verbs.denyRequest(ctx.actor, {
      ...decisionOf(a),
      reason: (a.comment?.trim() || a.reasoning).slice(0, 4096),
    });
    return { structured: { request }, summary: `Denied ${request.id}.` };
  },
});

export const escalateToHumanTool = defineTool({
  name: 'escalate_to_human',
  title: 'Hand a request to human approvers',
  right: 'ai-reviewer',
  description:
    'Moves a PENDING ai_review request to human approvers (it stays PENDING; you can no longer decide it). ' +
    'Use it whenever you are unsure. Requests you may not decide (yours, your controllers’, their agents’) are not yours to escalate either. ' +
    'Returns {request} with approver_tier human.',
  input: DecisionArgs,
  output: RequestResult,
  annotations: UPDATE,
  async run(ctx, a) {
    const request: RequestView = await ctx.verbs.escalateRequest(ctx.actor, {
      ...decisionOf(a),
      comment: a.comment ?? '',
    });
    return { structured: { request }, summary: `Escalated ${request.id} to human approvers.` };
  },
});
