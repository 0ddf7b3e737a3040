import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { HttpVerbs } from '../core-port.js';
import type { HonoEnv } from '../env.js';
import {
  AgentIdParam,
  AgentList,
  CreateAgentBody,
  CreatedAgent,
  DeleteAgentQuery,
  EligibleAccess,
  EligibleQuery,
  ListAgentsQuery,
  RevokeAgentBody,
  RevokedAgent,
} from '../schemas/agent.js';
import { errorResponses, jsonBody, jsonOk, PageQuery } from '../schemas/common.js';

const tags = ['agents'];
const security = [{ bearer: [] }];

const createAgentRoute = createRoute({
  operationId: 'createAgent',
  method: 'post',
  path: '/agents',
  tags,
  security,
  summary: 'Register an AI agent you own (admins: any owner, ai-reviewer right); returns its token once',
  request: jsonBody(CreateAgentBody),
  responses: { 201: jsonOk(CreatedAgent, 'The agent and its token (never shown again)'), ...errorResponses },
});

const listAgentsRoute = createRoute({
  operationId: 'listAgents',
  method: 'get',
  path: '/agents',
  tags,
  security,
  summary: 'Agents you own (every agent for admins)',
  request: { query: ListAgentsQuery.merge(PageQuery) },
  responses: { 200: jsonOk(AgentList, 'A page of agents'), ...errorResponses },
});

const revokeAgentRoute = createRoute({
  operationId: 'revokeAgent',
  method: 'post',
  path: '/agents/{id}/revoke',
  tags,
  security,
  summary:
    'Revoke an agent (a controller or admin): its token stops working, its PENDING requests are cancelled and its grants revoked (admins may keep_grants)',
  request: { params: AgentIdParam, ...jsonBody(RevokeAgentBody, false) },
  responses: {
    200: jsonOk(RevokedAgent, 'The agent after revocation and what happened to its requests'),
    ...errorResponses,
  },
});

const deleteAgentRoute = createRoute({
  operationId: 'deleteAgent',
  method: 'delete',
  path: '/agents/{id}',
  tags,
  security,
  summary: 'Same as revoke (the record is kept: names are never reused)',
  request: { params: AgentIdParam, query: DeleteAgentQuery },
  responses: {
    200: jsonOk(RevokedAgent, 'The agent after revocation and what happened to its requests'),
    ...errorResponses,
  },
});

const eligibleRoute = createRoute({
  operationId: 'listEligibleAccess',
  method: 'get',
  path: '/eligible-access',
  tags: ['requests'],
  security,
  summary: 'Catalog roles the caller may request now, with the longest allowed duration and approver tier',
  request: { query: EligibleQuery },
  responses: { 200: jsonOk(EligibleAccess, 'What the caller may request'), ...errorResponses },
});

/** Mounts agent management and the eligible-access listing; each handler calls one core verb. */
export function registerAgentRoutes(app: OpenAPIHono<HonoEnv>, verbs: HttpVerbs): void {
  app.openapi(createAgentRoute, async (c) => {
    const created = await verbs.createAgent(c.get('actor'), c.req.valid('json'));
    // The token is in this body: never cached by a proxy or the client.
    c.header('Cache-Control', 'no-store');
    return c.json(created, 201);
  });
  app.openapi(listAgentsRoute, async (c) =>
    c.json(await verbs.listAgents(c.get('actor'), c.req.valid('query')), 200),
  );
  app.openapi(revokeAgentRoute, async (c) => {
    const revoked = await verbs.revokeAgent(c.get('actor'), {
      ...c.req.valid('json'),
      ...c.req.valid('param'),
    });
    return c.json(revoked, 200);
  });
  app.openapi(deleteAgentRoute, async (c) => {
    const revoked = await verbs.revokeAgent(c.get('actor'), {
      ...c.req.valid('query'),
      ...c.req.valid('param'),
    });
    return c.json(revoked, 200);
  });
  app.openapi(eligibleRoute, async (c) =>
    c.json(await verbs.listEligibleAccess(c.get('actor'), c.req.valid('query')), 200),
  );
}
