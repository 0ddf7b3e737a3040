import { z } from 'zod';
import type { RequestView } from '../../core/requests/view.js';
import { READ } from '../annotations.js';
import { defineTool } from '../define.js';
import { PageSizeArg, PageTokenArg, RequestIdArg, RequestPage, RequestResult } from '../schemas.js';

export const listPendingAiReviewTool = defineTool({
  name: 'list_pending_ai_review',
  title: 'List requests waiting for AI review',
  right: 'ai-reviewer',
  description:
    'Lists PENDING requests routed to the AI reviewer (approver_tier ai_review) that you may decide: never ' +
    'your own, those of the people who control you (owner, creator) or of agents sharing one of them, and only where the approval policy lets ' +
    'you approve. Newest first, paged. Review each with get_request_details, then approve_request, ' +
    'deny_request or escalate_to_human. Requests nobody reviews in time go to humans automatically. ' +
    'Returns {requests, next_page_token}.',
  input: z.object({ page_size: PageSizeArg, page_token: PageTokenArg }).strict(),
  output: RequestPage,
  annotations: READ,
  async run(ctx, a) {
    const page = await ctx.verbs.listRequests(ctx.actor, {
      pending: true,
      page_size: a.page_size ?? 20,
      ...(a.page_token ? { page_token: a.page_token } : {}),
    });
    return { structured: page, summary: `${page.requests.length} request(s) waiting for AI review.` };
  },
});

export const getRequestDetailsTool = defineTool({
  name: 'get_request_details',
  title: 'Get a request you are reviewing',
  right: 'ai-reviewer',
  description:
    'Returns a request you may review (or have decided): who asked (and for an agent, its owner), provider, ' +
    'role, scope, duration, the stated reason and ticket/incident references in metadata, break-glass, and ' +
    'every decision so far. Never contains credentials or revoke handles. Returns {request}.',
  input: z.object({ request_id: RequestIdArg }).strict(),
  output: RequestResult,
  annotations: READ,
  async run(ctx, a) {
    const request: RequestView = await ctx.verbs.getRequest(ctx.actor, { id: a.request_id });
    return {
      structured: { request },
      summary: `Request ${request.id} by ${request.requester.identity}: ${request.role} on ${request.provider}/${request.resource_scope} for ${request.duration_seconds} s — ${request.state}.`,
    };
  },
});
