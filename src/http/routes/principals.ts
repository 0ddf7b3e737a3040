import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { HttpVerbs } from '../core-port.js';
import type { HonoEnv } from '../env.js';
import { errorResponses, jsonBody, jsonOk } from '../schemas/common.js';
import { IdentityParam, PrincipalEnvelope, SetTrustTierBody } from '../schemas/principal.js';

const tags = ['principals'];
const security = [{ bearer: [] }];

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
