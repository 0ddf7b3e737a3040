import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { HttpVerbs } from '../core-port.js';
import type { HonoEnv } from '../env.js';
import { AuditList, AuditQuery, AuditVerifyResult } from '../schemas/audit.js';
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
  summary: 'Recompute the hash chain and check the signed checkpoints (admin)',
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
  app.openapi(queryRoute, async (c) =>
    c.json(await verbs.queryAudit(c.get('actor'), c.req.valid('query')), 200),
  );
  app.openapi(verifyRoute, async (c) => c.json(await verbs.verifyAudit(c.get('actor'), {}), 200));
  // Streamed, not JSON: registered as a plain route and documented separately.
  app.openAPIRegistry.registerPath(exportRoute);
  app.get(exportRoute.path, async (c) => {
    const lines: AsyncIterable<string> | Iterable<string> | string = await verbs.exportAudit(
      c.get('actor'),
      {},
    );
    c.header('Content-Type', 'application/x-ndjson');
    c.header('Cache-Control', 'no-store');
    if (typeof lines === 'string') return c.body(lines, 200);
    const encoder = new TextEncoder();
    const iterator = (async function* () {
      for await (const line of lines as AsyncIterable<string>)
        yield encoder.encode(line.endsWith('\n') ? line : `${line}\n`);
    })();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel() {
        await iterator.return?.(undefined);
      },
    });
    return c.body(stream, 200);
  });
}
