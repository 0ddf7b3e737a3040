import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { HttpVerbs } from '../core-port.js';
import type { HonoEnv } from '../env.js';
import { errorResponses, jsonBody, jsonOk } from '../schemas/common.js';
import { OutboxStatus, RequeueBody, RequeueResult } from '../schemas/outbox.js';
import { ReloadResult } from '../schemas/policy.js';

const reloadRoute = createRoute({
  operationId: 'reloadPolicies',
  method: 'post',
  path: '/admin/reload-policies',
  tags: ['admin'],
  security: [{ bearer: [] }],
  summary: 'Re-read the policy store now instead of at the next reload interval (admin)',
  responses: { 200: jsonOk(ReloadResult, 'Number of policy modules loaded'), ...errorResponses },
});

const outboxRoute = createRoute({
  operationId: 'getOutboxStatus',
  method: 'get',
  path: '/admin/outbox',
  tags: ['admin'],
  security: [{ bearer: [] }],
  summary: 'Notification delivery per sink: pending, delivered, dead, oldest pending age, last error (admin)',
  responses: { 200: jsonOk(OutboxStatus, 'Delivery state per sink'), ...errorResponses },
});

const requeueRoute = createRoute({
  operationId: 'requeueDeadDeliveries',
  method: 'post',
  path: '/admin/outbox/requeue',
  tags: ['admin'],
  security: [{ bearer: [] }],
  summary:
    'Put dead notification deliveries back in the queue: one sink, one event, or all (admin; audited as outbox.requeued)',
  request: jsonBody(RequeueBody),
  responses: { 200: jsonOk(RequeueResult, 'How many deliveries were requeued, per sink'), ...errorResponses },
});

/** Mounts admin operations. */
export function registerAdminRoutes(app: OpenAPIHono<HonoEnv>, verbs: HttpVerbs): void {
  app.openapi(reloadRoute, async (c) => c.json(await verbs.reloadPolicies(c.get('actor'), {}), 200));
  app.openapi(outboxRoute, async (c) =>
    c.json((await verbs.getOutboxStatus(c.get('actor'), {})) as OutboxStatus, 200),
  );
  app.openapi(requeueRoute, async (c) =>
    c.json((await verbs.requeueDeadDeliveries(c.get('actor'), c.req.valid('json'))) as RequeueResult, 200),
  );
}
