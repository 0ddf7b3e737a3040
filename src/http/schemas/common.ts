import { z } from '@hono/zod-openapi';
import { APP_ERROR_CODES } from '../../core/errors.js';
import { pageTokenText } from '../../core/validation/page-token.js';

export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.enum(APP_ERROR_CODES),
      message: z.string(),
      requestId: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

const err = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorEnvelope } },
});

/** Error responses every authenticated route can return. */
export const errorResponses = {
  400: err('Invalid input'),
  401: err('Missing, invalid or expired bearer token'),
  403: err('Not allowed (or denied by policy; details carry the reasons)'),
  404: err('No such object, or not visible to the caller'),
  409: err('The object is in the wrong state for this operation'),
  413: err('Request body larger than 1 MiB'),
  429: err('Rate limited'),
  500: err('Internal error'),
  502: err('The cloud provider failed'),
  503: err(
    'The access policy could not be evaluated (POLICY_ERROR), or the identity provider did not answer (UNAVAILABLE); nothing was done',
  ),
} as const;

/** Cursor pagination: newest first; pass `next_page_token` back as `page_token`. */
export const PageQuery = z.object({
  page_size: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .openapi({ param: { name: 'page_size', in: 'query' }, example: 50 }),
  page_token: pageTokenText()
    .optional()
    .openapi({ param: { name: 'page_token', in: 'query' } }),
});

/** Query booleans arrive as strings; only these spellings are accepted. */
export const QueryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const IdParam = (name: string, example: string) =>
  z
    .object({
      id: z
        .string()
        .min(1)
        .max(64)
        .regex(/^[A-Za-z0-9_-]+$/, 'not a valid id')
        .openapi({ param: { name: 'id', in: 'path' }, example: `${example}` }),
    })
    .openapi(`${name}IdParam`);

/** A JSON body; `required: false` lets clients omit it entirely (validated as `{}`). */
export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  body: { required, content: { 'application/json': { schema } } },
});

export const jsonOk = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
