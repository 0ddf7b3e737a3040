import { z } from 'zod';
import type { RequestView } from '../../core/requests/view.js';
import { safeText } from '../../core/validation/text.js';
import { END, END_REMOTE } from '../annotations.js';
import { defineTool } from '../define.js';
import { RequestIdArg, RequestResult } from '../schemas.js';

/** Cancel and release take the same arguments: which request, and an optional note. */
const EndArgs = z
  .object({
    request_id: RequestIdArg,
    reason: safeText(4096).optional().describe('optional note for the audit log'),
  })
  .strict();

const endInput = (a: z.output<typeof EndArgs>) => ({
  id: a.request_id,
  ...(a.reason !== undefined ? { reason: a.reason } : {}),
});

export const cancelRequestTool = defineTool({
  name: 'cancel_request',
  title: 'Cancel your pending request',
  right: 'requester',
  description:
    'Withdraws one of your requests that is still PENDING (nobody has decided yet), e.g. when the task no ' +
    'longer needs it. It cannot be undone. For access that is already ACTIVE use release_access instead. ' +
    'Returns {request} in state CANCELLED.',
  input: EndArgs,
  output: RequestResult,
  annotations: END,
  async run(ctx, a) {
    const request: RequestView = await ctx.verbs.cancelRequest(ctx.actor, endInput(a));
    return { structured: { request }, summary: `Request ${request.id} is ${request.state}.` };
  },
});

export const releaseAccessTool = defineTool({
  name: 'release_access',
  title: 'Give back active access early',
  right: 'requester',
  description:
    'Ends one of your ACTIVE grants now, before it expires: the access is removed at the cloud provider. Call ' +
    'it as soon as the task is done — holding access longer than needed is the risk this broker exists to ' +
    'remove. Releasing twice is harmless. Returns {request}: REVOKED, or still ACTIVE with end_reason ' +
    '"revoked" while the provider removal is being retried.',
  input: EndArgs,
  output: RequestResult,
  annotations: END_REMOTE,
  async run(ctx, a) {
    const request: RequestView = await ctx.verbs.revokeRequest(ctx.actor, endInput(a));
    const summary =
      request.state === 'ACTIVE'
        ? `Release of ${request.id} recorded; the provider removal is being retried${request.error ? ` (${request.error})` : ''}.`
        : `Request ${request.id} is ${request.state}.`;
    return { structured: { request }, summary };
  },
});
