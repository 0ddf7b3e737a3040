import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { HttpVerbs } from '../core-port.js';
import type { HonoEnv } from '../env.js';
import { errorResponses, IdParam, jsonBody, jsonOk, PageQuery } from '../schemas/common.js';
import { ExtendBody } from '../schemas/extend.js';
import {
  ApproveBody,
  CreateRequestBody,
  DenyBody,
  GrantEnvelope,
  ListRequestsQuery,
  ReasonBody,
  RequestEnvelope,
  RequestList,
} from '../schemas/request.js';

const tags = ['requests'];
const security = [{ bearer: [] }];
const RequestId = IdParam('Request', 'req_01J9Z7X3R4T5V6W7X8Y9Z0ABCD');

const createRequestRoute = createRoute({
  operationId: 'createRequest',
  method: 'post',
  path: '/requests',
  tags,
  security,
  summary: 'Ask for a role on a scope for a time; policy decides eligibility and routing',
  request: jsonBody(CreateRequestBody),
  responses: {
    201: jsonOk(RequestEnvelope, 'Created (PENDING, or ACTIVE when auto-approved)'),
    ...errorResponses,
  },
});

const listRequestsRoute = createRoute({
  operationId: 'listRequests',
  method: 'get',
  path: '/requests',
  tags,
  security,
  summary: "Requests visible to the caller (own; everyone's for admins), newest first",
  request: { query: ListRequestsQuery.merge(PageQuery) },
  responses: { 200: jsonOk(RequestList, 'A page of requests'), ...errorResponses },
});

const getRequestRoute = createRoute({
  operationId: 'getRequest',
  method: 'get',
  path: '/requests/{id}',
  tags,
  security,
  request: { params: RequestId },
  responses: { 200: jsonOk(RequestEnvelope, 'The request'), ...errorResponses },
});

const action = (
  operationId: string,
  verb: string,
  body: typeof ApproveBody | typeof DenyBody | typeof ReasonBody,
  summary: string,
  optionalBody = true,
) =>
  createRoute({
    operationId,
    method: 'post',
    path: `/requests/{id}/${verb}`,
    tags,
    security,
    summary,
    request: { params: RequestId, ...jsonBody(body, optionalBody) },
    responses: { 200: jsonOk(RequestEnvelope, 'The request after the change'), ...errorResponses },
  });

const approveRoute = action('approveRequest', 'approve', ApproveBody, 'Approve (never your own request)');
const denyRoute = action('denyRequest', 'deny', DenyBody, 'Deny with a reason', false);
const cancelRoute = action('cancelRequest', 'cancel', ReasonBody, 'Withdraw your own PENDING request');
const revokeRoute = action(
  'revokeRequest',
  'revoke',
  ReasonBody,
  'End an ACTIVE grant early (requester or admin)',
);

const extendRoute = createRoute({
  operationId: 'extendRequest',
  method: 'post',
  path: '/requests/{id}/extend',
  tags,
  security,
  summary:
    'Ask for more time on your ACTIVE grant; policy decides, never past the total-duration ceiling (ADR 0045)',
  request: { params: RequestId, ...jsonBody(ExtendBody) },
  responses: {
    200: jsonOk(
      RequestEnvelope,
      'The extension: APPLIED (auto-approved), PENDING, APPROVED (retrying) or FAILED',
    ),
    ...errorResponses,
  },
});

const credentialsRoute = createRoute({
  operationId: 'getCredentials',
  method: 'get',
  path: '/requests/{id}/credentials',
  tags,
  security,
  summary: 'The grant’s credentials — only for the requester, only while ACTIVE',
  request: { params: RequestId },
  responses: { 200: jsonOk(GrantEnvelope, 'Credentials as environment variables'), ...errorResponses },
});

/** Mounts the request lifecycle routes; each handler calls one core verb. */
export function registerRequestRoutes(app: OpenAPIHono<HonoEnv>, verbs: HttpVerbs): void {
  app.openapi(createRequestRoute, async (c) => {
    const request = await verbs.createRequest(c.get('actor'), c.req.valid('json'));
    return c.json({ request }, 201);
  });
  app.openapi(listRequestsRoute, async (c) =>
    c.json(await verbs.listRequests(c.get('actor'), c.req.valid('query')), 200),
  );
  app.openapi(getRequestRoute, async (c) => {
    const request = await verbs.getRequest(c.get('actor'), c.req.valid('param'));
    return c.json({ request }, 200);
  });
  for (const [route, verb] of [
    [approveRoute, verbs.approveRequest],
    [denyRoute, verbs.denyRequest],
    [cancelRoute, verbs.cancelRequest],
    [revokeRoute, verbs.revokeRequest],
    [extendRoute, verbs.extendRequest],
  ] as const) {
    app.openapi(route, async (c) => {
      const request = await verb(c.get('actor'), { ...c.req.valid('json'), ...c.req.valid('param') });
      return c.json({ request }, 200);
    });
  }
  app.openapi(credentialsRoute, async (c) => {
    const grant = await verbs.getCredentials(c.get('actor'), c.req.valid('param'));
    // Secrets: never cached by a proxy or the client.
    c.header('Cache-Control', 'no-store');
    return c.json({ grant }, 200);
  });
}
