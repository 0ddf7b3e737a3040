import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { HttpVerbs } from '../core-port.js';
import type { HonoEnv } from '../env.js';
import { AuditList, AuditQuery, AuditVerifyInput, AuditVerifyResult } from '../schemas/audit.js';
import { errorResponses, jsonOk, PageQuery } from '../schemas/common.js';

const tags = ['audit'];
const security = [{ bearer: [] }];

const queryRoute = createRoute({
  operationId: 'queryAudit',
  method: 'get',
  path: '/audit',
  tags,
  security,
  summary: "Audit events, newest first (the caller's own unless admin)",
  request: { query: AuditQuery.merge(PageQuery) },
  responses: { 200: jsonOk(AuditList, 'A page of audit events'), ...errorResponses },
});

const verifyRoute = createRoute({
  operationId: 'verifyAudit',
  method: 'post',
  path: '/audit:verify',
  tags,
  security,
  summary: 'Recompute the hash chain, check every row MAC and the numbered checkpoints (admin)',
  request: {
    body: { content: { 'application/json': { schema: AuditVerifyInput } }, required: false },
  },
  responses: {
    200: jsonOk(AuditVerifyResult, 'Verification result; ok=false names the first broken row'),
    ...errorResponses,
  },
});

const exportRoute = createRoute({
  operationId: 'exportAudit',
  method: 'get',
  path: '/audit:export',
  tags,
  security,
  summary: 'The whole chain as JSON Lines, verifiable offline with `jitsudo audit verify --file` (admin)',
  responses: {
    200: {
      description: 'One JSON object per line',
      content: { 'application/x-ndjson': { schema: z.string() } },
    },
    ...errorResponses,
  },
});

/** Mounts audit query, verification and export. */
export function registerAuditRoutes(app: OpenAPIHono<HonoEnv>, verbs: HttpVerbs): void {
  app.openapi(queryRoute, async (c) => {
    // Core pages with limit/cursor; the API speaks page_size/page_token like every other list.
    const { page_size, page_token, ...filters } = c.req.valid('query');
    const page = await verbs.queryAudit(c.get('actor'), { ...filters, limit: page_size, cursor: page_token });
    return c.json({ events: page.events, next_page_token: page.next_cursor ?? null }, 200);
  });
  app.openapi(verifyRoute, async (c) => {
    const body = (c.req.valid('json') as { anchor?: unknown } | undefined) ?? {};
    return c.json(await verbs.verifyAudit(c.get('actor'), body.anchor ? { anchor: body.anchor } : {}), 200);
  });
  // Streamed, not JSON: registered as a plain route and documented separately.
  app.openAPIRegistry.registerPath(exportRoute);
  app.get(exportRoute.path, async (c) => {
    const lines = (await verbs.exportAudit(c.get('actor'), {})) as AsyncIterable<string>;
    const iterator = lines[Symbol.asyncIterator]();
    // Pull the first line before answering: authorization and database errors then become proper
    // error responses instead of a stream cut off after a 200.
    const first = await iterator.next();
    c.header('Content-Type', 'application/x-ndjson');
    c.header('Cache-Control', 'no-store');
    const encoder = new TextEncoder();
    let pending: IteratorResult<string> | undefined = first;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = pending ?? (await iterator.next());
        pending = undefined;
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(`${next.value}\n`));
      },
      async cancel() {
        await iterator.return?.(undefined);
      },
    });
    return c.body(stream, 200);
  });
}
