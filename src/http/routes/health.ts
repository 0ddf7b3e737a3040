import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { loggableError } from '../../core/db/loggable-error.js';
import type { HonoEnv } from '../env.js';
import { jsonOk } from '../schemas/common.js';

const Status = z.object({ status: z.string(), error: z.string().optional() }).openapi('HealthStatus');
const Version = z.object({ version: z.string(), api_versions: z.array(z.string()) }).openapi('Version');

const healthz = createRoute({
  operationId: 'healthz',
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness: the process answers',
  responses: { 200: jsonOk(Status, 'Alive') },
});
const readyz = createRoute({
  operationId: 'readyz',
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Readiness: the database answers and the policy set can decide',
  responses: { 200: jsonOk(Status, 'Ready'), 503: jsonOk(Status, 'Not ready') },
});
const version = createRoute({
  operationId: 'version',
  method: 'get',
  path: '/version',
  tags: ['health'],
  responses: { 200: jsonOk(Version, 'Server and API versions') },
});

export interface HealthOptions {
  version: string;
  /** Resolves when the server can serve; rejects otherwise (a NotReadyError names why). */
  ready: () => Promise<void>;
}

/** A readiness failure whose message may be shown to anyone (it goes out unauthenticated). */
export class NotReadyError extends Error {}

/** Unauthenticated liveness, readiness and version endpoints. */
export function registerHealthRoutes(app: OpenAPIHono<HonoEnv>, opts: HealthOptions): void {
  app.openapi(healthz, (c) => c.json({ status: 'ok' }, 200));
  app.openapi(readyz, async (c) => {
    try {
      await withTimeout(opts.ready(), 2000);
      return c.json({ status: 'ok' }, 200);
    } catch (e) {
      const reason = e instanceof NotReadyError ? e.message : 'database unavailable';
      c.get('log')?.warn({ reason, err: loggableError(e) }, 'readiness check failed');
      return c.json({ status: 'unavailable', error: reason }, 503);
    }
  });
  app.openapi(version, (c) => c.json({ version: opts.version, api_versions: ['v1alpha1'] }, 200));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
