/** Network-level failures where the target may or may not have acted: always worth retrying. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'ECONNABORTED',
]);

/** True for timeouts, aborted calls and dropped connections. */
export function isTransientNetworkError(e: unknown): boolean {
  const err = e as { name?: string; code?: unknown; cause?: unknown; type?: string } | undefined;
  if (!err || typeof err !== 'object') return false;
  if (err.name === 'AbortError' || err.name === 'TimeoutError' || err.type === 'aborted') return true;
  if (typeof err.code === 'string' && TRANSIENT_CODES.has(err.code)) return true;
  return err.cause !== undefined && err.cause !== err && isTransientNetworkError(err.cause);
}

/** HTTP statuses a well-behaved client retries: throttling, server errors, lock/etag races. */
export const isRetryableStatus = (status: number | undefined): boolean =>
  status !== undefined && (status === 408 || status === 429 || status >= 500);

/** A short, secret-free description of an unknown failure for error messages. */
export function describe(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0]!.slice(0, 300);
  return String(e).slice(0, 300);
}
