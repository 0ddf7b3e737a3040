import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { HttpVerbs } from '../core-port.js';
import type { HonoEnv } from '../env.js';
import { errorResponses, jsonBody, jsonOk, PageQuery } from '../schemas/common.js';
import {
  IdentityParam,
  ListPrincipalsQuery,
  PrincipalEnvelope,
  PrincipalList,
  SetTrustTierBody,
} from '../schemas/principal.js';

const tags = ['principals'];
const security = [{ bearer: [] }];

const listRoute = createRoute({
  operationId: 'listPrincipals',
  method: 'get',
  path: '/principals',
  tags,
  security,
  summary: 'Principals, most recently seen first (admin)',
  request: { query: ListPrincipalsQuery.merge(PageQuery) },
  responses: { 200: jsonOk(PrincipalList, 'A page of principals'), ...errorResponses },
});

const getRoute = createRoute({
  operationId: 'getPrincipal',
  method: 'get',
  path: '/principals/{identity}',
  tags,
  security,
  summary: 'A principal (yourself, or anyone for admins)',
  request: { params: IdentityParam },
  responses: { 200: jsonOk(PrincipalEnvelope, 'The principal'), ...errorResponses },
});

const setTierRoute = createRoute({
  operationId: 'setTrustTier',
  method: 'put',
  path: '/principals/{identity}/trust-tier',
  tags,
  security,
  summary: 'Set a principal’s trust tier 0–4 (admin)',
  request: { params: IdentityParam, ...jsonBody(SetTrustTierBody) },
  responses: { 200: jsonOk(PrincipalEnvelope, 'The principal after the change'), ...errorResponses },
});

/** Mounts principal routes. */
export function registerPrincipalRoutes(app: OpenAPIHono<HonoEnv>, verbs: HttpVerbs): void {
  app.openapi(listRoute, async (c) =>
    c.json(await verbs.listPrincipals(c.get('actor'), c.req.valid('query')), 200),
  );
  app.openapi(getRoute, async (c) => {
    const principal = await verbs.getPrincipal(c.get('actor'), c.req.valid('param'));
    return c.json({ principal }, 200);
  });
  app.openapi(setTierRoute, async (c) => {
    const principal = await verbs.setTrustTier(c.get('actor'), {
      ...c.req.valid('json'),
      ...c.req.valid('param'),
    });
    return c.json({ principal }, 200);
  });
}
