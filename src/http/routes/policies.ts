import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { HttpVerbs } from '../core-port.js';
import type { HonoEnv } from '../env.js';
import { errorResponses, jsonBody, jsonOk, PageQuery } from '../schemas/common.js';
import {
  ApplyPolicyBody,
  EvalPolicyBody,
  EvalResult,
  PolicyEnvelope,
  PolicyList,
  PolicyParam,
} from '../schemas/policy.js';

const tags = ['policies'];
const security = [{ bearer: [] }];

const listRoute = createRoute({
  operationId: 'listPolicies',
  method: 'get',
  path: '/policies',
  tags,
  security,
  request: { query: PageQuery },
  responses: { 200: jsonOk(PolicyList, 'Stored policies (without source)'), ...errorResponses },
});

const applyRoute = createRoute({
  operationId: 'applyPolicy',
  method: 'post',
  path: '/policies',
  tags,
  security,
  summary: 'Create or replace a policy by name (admin); compiled before it is stored',
  request: jsonBody(ApplyPolicyBody),
  responses: { 200: jsonOk(PolicyEnvelope, 'The stored policy (new revision)'), ...errorResponses },
});

const getRoute = createRoute({
  operationId: 'getPolicy',
  method: 'get',
  path: '/policies/{id}',
  tags,
  security,
  request: { params: PolicyParam },
  responses: { 200: jsonOk(PolicyEnvelope, 'The policy with its Rego source'), ...errorResponses },
});

const deleteRoute = createRoute({
  operationId: 'deletePolicy',
  method: 'delete',
  path: '/policies/{id}',
  tags,
  security,
  summary: 'Delete a policy (admin)',
  request: { params: PolicyParam },
  responses: {
    200: jsonOk(
      z
        .object({ deleted: z.string(), name: z.string(), revision: z.number().int() })
        .openapi('PolicyDeleted'),
      'Deleted',
    ),
    ...errorResponses,
  },
});

const evalRoute = createRoute({
  operationId: 'evalPolicy',
  method: 'post',
  path: '/policies:eval',
  tags,
  security,
  summary: 'Dry-run a decision against the stored set, optionally with an unsaved candidate module',
  request: jsonBody(EvalPolicyBody),
  responses: { 200: jsonOk(EvalResult, 'The decision; nothing is stored'), ...errorResponses },
});

/** Mounts the policy store routes. */
export function registerPolicyRoutes(app: OpenAPIHono<HonoEnv>, verbs: HttpVerbs): void {
  app.openapi(listRoute, async (c) =>
    c.json(await verbs.listPolicies(c.get('actor'), c.req.valid('query')), 200),
  );
  app.openapi(applyRoute, async (c) => {
    const policy = await verbs.applyPolicy(c.get('actor'), c.req.valid('json'));
    return c.json({ policy }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const policy = await verbs.getPolicy(c.get('actor'), c.req.valid('param'));
    return c.json({ policy }, 200);
  });
  app.openapi(deleteRoute, async (c) =>
    c.json(await verbs.deletePolicy(c.get('actor'), c.req.valid('param')), 200),
  );
  app.openapi(evalRoute, async (c) =>
    c.json(await verbs.evalPolicy(c.get('actor'), c.req.valid('json')), 200),
  );
}
