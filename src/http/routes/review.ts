/**
 * `POST /requests/{id}/review` (ADR 0050): an admin's after-the-fact review of break-glass access,
 * justified or unjustified (which revokes a grant still ACTIVE). A step-up action: core refuses a
 * sign-in older than approvals.step_up_max_age_seconds. One core verb, reviewBreakGlass.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { safeText } from '../../core/validation/text.js';
import type { HttpVerbs } from '../core-port.js';
import type { HonoEnv } from '../env.js';
import { errorResponses, IdParam, jsonBody, jsonOk } from '../schemas/common.js';
import { ElevationRequest } from '../schemas/request.js';

export const ReviewBody = z
  .object({
    outcome: z.enum(['justified', 'unjustified']),
    comment: safeText(4096).min(1).openapi({ example: 'INC-42: database down, access was needed' }),
  })
  .strict()
  .openapi('ReviewBreakGlassInput');

export const ReviewResult = z
  .object({
    request: ElevationRequest,
    outcome: z.enum(['justified', 'unjustified']),
    revoked: z.boolean().openapi({ description: 'this review took an ACTIVE grant away' }),
  })
  .openapi('BreakGlassReview');

const reviewRoute = createRoute({
  operationId: 'reviewBreakGlass',
  method: 'post',
  path: '/requests/{id}/review',
  tags: ['requests'],
  security: [{ bearer: [] }],
  summary: 'Review break-glass access after the fact (admins, not the requester; needs a fresh sign-in)',
  request: { params: IdParam('Request', 'req_01J9Z7X3R4T5V6W7X8Y9Z0ABCD'), ...jsonBody(ReviewBody) },
  responses: { 200: jsonOk(ReviewResult, 'The review and the request after it'), ...errorResponses },
});

export function registerReviewRoute(app: OpenAPIHono<HonoEnv>, verbs: HttpVerbs): void {
  app.openapi(reviewRoute, async (c) =>
    c.json(
      await verbs.reviewBreakGlass(c.get('actor'), { ...c.req.valid('json'), ...c.req.valid('param') }),
      200,
    ),
  );
}
