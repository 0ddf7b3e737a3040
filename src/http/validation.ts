/**
 * Shapes zod validation failures like every other error (VALIDATION 400 with the offending fields),
 * and builds sub-apps that use it.
 */

import type { Hook } from '@hono/zod-openapi';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { HonoEnv } from './env.js';
import { errorResponse } from './errors.js';

interface Issue {
  path: PropertyKey[];
  message: string;
}

export function describeIssues(issues: readonly Issue[]): {
  message: string;
  fields: { field: string; message: string }[];
} {
  const fields = issues
    .slice(0, 20)
    .map((i) => ({ field: i.path.map(String).join('.') || '(body)', message: i.message }));
  const first = fields[0];
  return { message: first ? `invalid ${first.field}: ${first.message}` : 'invalid request', fields };
}

export const defaultHook: Hook<any, HonoEnv, any, any> = (result, c) => {
  if (result.success) return;
  const { message, fields } = describeIssues(result.error.issues);
  return errorResponse(c, 'VALIDATION', message, { details: { fields } });
};

/** A router whose zod failures are shaped by `defaultHook`. */
export function createRouter(): OpenAPIHono<HonoEnv> {
  return new OpenAPIHono<HonoEnv>({ defaultHook });
}
