import { z } from 'zod';
import { REQUEST_STATES } from '../../core/requests/states.js';
import type { RequestView } from '../../core/requests/view.js';
import { READ } from '../annotations.js';
import { defineTool } from '../define.js';
import { PageSizeArg, PageTokenArg, RequestIdArg, RequestPage, RequestResult } from '../schemas.js';
import { nextStep } from './request-access.js';

export const getRequestTool = defineTool({
  name: 'get_request',
  title: 'Get one of your requests',
  right: 'requester',
  description:
    'Returns one of your requests by id: its state (PENDING, APPROVED, ACTIVE, REJECTED, CANCELLED, EXPIRED, ' +
    'REVOKED, FAILED), who must approve it, the decisions made so far with their comments, and when an ACTIVE ' +
    'grant expires. Use it to check on a request without waiting; use wait_for_request to block until it is ' +
    'decided. Returns {request}; never credentials.',
  input: z.object({ request_id: RequestIdArg }).strict(),
  output: RequestResult,
  annotations: READ,
  async run(ctx, a) {
    const request: RequestView = await ctx.verbs.getRequest(ctx.actor, { id: a.request_id });
    return { structured: { request }, summary: nextStep(request) };
  },
});

export const listMyRequestsTool = defineTool({
  name: 'list_my_requests',
  title: 'List your requests',
  right: 'requester',
  description:
    'Lists the requests you made, newest first, optionally only those in one state (e.g. ACTIVE to see the ' +
    'access you hold, PENDING to see what is waiting). Paged: pass next_page_token back as page_token. ' +
    'Returns {requests, next_page_token}; never credentials.',
  input: z
    .object({
      state: z.enum(REQUEST_STATES).optional().describe('only requests in this state'),
      page_size: PageSizeArg,
      page_token: PageTokenArg,
    })
    .strict(),
  output: RequestPage,
  annotations: READ,
  async run(ctx, a) {
    const page = await ctx.verbs.listRequests(ctx.actor, {
      mine: true,
      ...(a.state ? { state: a.state } : {}),
      page_size: a.page_size ?? 20,
      ...(a.page_token ? { page_token: a.page_token } : {}),
    });
    return { structured: page, summary: `${page.requests.length} request(s).` };
  },
});
