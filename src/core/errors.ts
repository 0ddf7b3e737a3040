/**
 * The one error type core throws. Every surface (HTTP, MCP, CLI) has exactly one mapper from it;
 * `message` must be safe to show to a user or an agent: never a secret, never a stack.
 */
/** The closed set of codes; the HTTP error envelope publishes exactly this list. */
export const APP_ERROR_CODES = [
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'VALIDATION',
  'CONFLICT',
  'POLICY_DENIED',
  'PROVIDER_ERROR',
  'RATE_LIMITED',
  // The policy could not be evaluated (budget, conflict): fail closed, never an opaque 500.
  'POLICY_ERROR',
  // A dependency the server needs to decide (the IdP's discovery or JWKS) did not answer: retry later.
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export interface AppErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
  retryable?: boolean;
}

export class AppError extends Error {
  readonly details?: Record<string, unknown>;
  readonly retryable: boolean;

  constructor(
    readonly code: AppErrorCode,
    message: string,
    opts: AppErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.details = opts.details;
    this.retryable = opts.retryable ?? false;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
