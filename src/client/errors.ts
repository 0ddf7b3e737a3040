/** What a failed API call looks like to a client: the server's error envelope, or a transport failure. */
import type { z } from '@hono/zod-openapi';
import type { ErrorEnvelope } from '../http/schemas/common.js';

/** A code the server puts in its error envelope (type-only, from the schema it publishes). */
export type ServerErrorCode = z.infer<typeof ErrorEnvelope>['error']['code'];

export type ApiErrorCode =
  | ServerErrorCode
  /** The server could not be reached (refused, DNS, timeout). */
  | 'UNREACHABLE'
  /** The server answered something that is not a jitsudo response. */
  | 'BAD_RESPONSE';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly status: number,
    readonly requestId?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;
