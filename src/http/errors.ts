/**
 * The one mapper from errors to HTTP: AppError → status + `{ error: { code, message, requestId,
 * details? } }`. Unknown errors become a generic 500 and are logged; nothing else leaks.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DATA_EXCEPTION_LOG, dataException } from '../core/db/data-error.js';
import { loggableError } from '../core/db/loggable-error.js';
import { type AppErrorCode, isAppError } from '../core/errors.js';
import type { HonoEnv } from './env.js';

const STATUS: Record<AppErrorCode, ContentfulStatusCode> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  POLICY_DENIED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  PROVIDER_ERROR: 502,
  POLICY_ERROR: 503,
  UNAVAILABLE: 503,
};

/** The HTTP status of an AppError code: the one map for every HTTP response, JSON or page. */
export const httpStatusOf = (code: AppErrorCode): ContentfulStatusCode => STATUS[code];

export interface ErrorBody {
  error: { code: AppErrorCode; message: string; requestId: string; details?: Record<string, unknown> };
}

/** True when the request presented a bearer token (then a 401 says the token is invalid). */
const sentBearer = (c: Context<HonoEnv>) => /^Bearer\s+\S/i.test(c.req.header('authorization') ?? '');

/**
 * The Bearer challenge of a 401, or of a 403 for a missing scope (RFC 6750 §3, RFC 9728 §5.1):
 * `resource_metadata` in OIDC mode; `error="invalid_token"` only when a token was sent (none is
 * named when the request carried no credentials); `insufficient_scope` with the scope needed.
 */
function challenge(
  c: Context<HonoEnv>,
  status: number,
  details: Record<string, unknown> | undefined,
): string | undefined {
  const scope = status === 403 ? details?.required_scope : undefined;
  if (status !== 401 && typeof scope !== 'string') return undefined;
  const parts = ['realm="jitsudo"'];
  const metadata = c.get('resourceMetadata');
  if (metadata) parts.push(`resource_metadata="${metadata}"`);
  if (typeof scope === 'string') parts.push('error="insufficient_scope"', `scope="${scope}"`);
  else if (sentBearer(c)) parts.push('error="invalid_token"');
  return `Bearer ${parts.join(', ')}`;
}

/** Builds the JSON error response; 401s (and 403s for a missing scope) carry `WWW-Authenticate`. */
export function errorResponse(
  c: Context<HonoEnv>,
  code: AppErrorCode,
  message: string,
  opts: { status?: ContentfulStatusCode; details?: Record<string, unknown> } = {},
): Response {
  const status = opts.status ?? STATUS[code];
  const body: ErrorBody = { error: { code, message, requestId: c.get('requestId') ?? '' } };
  if (opts.details) body.error.details = opts.details;
  const bearer = challenge(c, status, opts.details);
  if (bearer) c.header('WWW-Authenticate', bearer);
  if (code === 'RATE_LIMITED') c.header('Retry-After', '60');
  if (code === 'UNAVAILABLE') c.header('Retry-After', '5');
  return c.json(body, status);
}

/** Hono `onError`: every thrown thing ends here. */
export function mapError(err: unknown, c: Context<HonoEnv>): Response {
  if (isAppError(err)) {
    if (
      err.code === 'INTERNAL' ||
      err.code === 'PROVIDER_ERROR' ||
      err.code === 'POLICY_ERROR' ||
      err.code === 'UNAVAILABLE'
    )
      c.get('log')?.error({ err: { code: err.code, message: err.message } }, 'request failed');
    // INTERNAL messages may describe internals: the client gets a generic sentence.
    const message = err.code === 'INTERNAL' ? 'internal error' : err.message;
    return errorResponse(c, err.code, message, {
      details: err.code === 'INTERNAL' ? undefined : err.details,
    });
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    if (status === 413)
      return errorResponse(c, 'VALIDATION', 'request body too large (limit 1 MiB)', { status: 413 });
    if (status === 401) return errorResponse(c, 'UNAUTHENTICATED', 'authentication required');
    if (status >= 400 && status < 500)
      return errorResponse(c, 'VALIDATION', httpMessage(status, err.message), { status });
  }
  const data = dataException(err);
  if (data) {
    c.get('log')?.warn({ sqlstate: data.details?.sqlstate }, DATA_EXCEPTION_LOG);
    return errorResponse(c, 'VALIDATION', data.message, { details: data.details });
  }
  c.get('log')?.error({ err: safeErr(err) }, 'unhandled error');
  return errorResponse(c, 'INTERNAL', 'internal error');
}

function httpMessage(status: number, message: string): string {
  if (status === 415) return 'content-type must be application/json';
  if (/malformed json/i.test(message)) return 'request body is not valid JSON';
  return message || 'bad request';
}

/**
 * Logs an unknown error by name, message and stack, never by its enumerable fields (may hold
 * secrets); a failed SQL statement by SQLSTATE and statement only (its parameters are user text).
 */
const safeErr = (err: unknown): Record<string, unknown> => loggableError(err);
