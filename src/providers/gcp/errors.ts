import { ProviderError } from '../../core/providers/types.js';
import { describe, isRetryableStatus, isTransientNetworkError } from '../shared/classify.js';

// gRPC codes as gax may report them when it maps the HTTP status.
const GRPC = {
  ABORTED: 10,
  RESOURCE_EXHAUSTED: 8,
  UNAVAILABLE: 14,
  DEADLINE_EXCEEDED: 4,
  INTERNAL: 13,
  PERMISSION_DENIED: 7,
};

/** HTTP status of a gax/gaxios error (the REST fallback reports the HTTP number as `code`). */
export function httpStatusOf(e: unknown): number | undefined {
  const err = e as { code?: unknown; status?: unknown; response?: { status?: number } } | undefined;
  const n =
    typeof err?.code === 'number'
      ? err.code
      : typeof err?.status === 'number'
        ? err.status
        : err?.response?.status;
  if (n === undefined) return undefined;
  const map: Record<number, number> = {
    [GRPC.ABORTED]: 409,
    [GRPC.RESOURCE_EXHAUSTED]: 429,
    [GRPC.UNAVAILABLE]: 503,
    [GRPC.DEADLINE_EXCEEDED]: 504,
    [GRPC.INTERNAL]: 500,
    [GRPC.PERMISSION_DENIED]: 403,
  };
  return n < 100 ? map[n] : n;
}

export const isEtagConflict = (e: unknown) => httpStatusOf(e) === 409;

/** Maps a Resource Manager failure to a ProviderError saying what jitsudod could not do. */
export function toGcpError(e: unknown, what: string, resource: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const status = httpStatusOf(e);
  if (status === 403)
    return new ProviderError(
      'gcp',
      `jitsudod's identity may not ${what} ${resource} (needs getIamPolicy and setIamPolicy on it, e.g. roles/resourcemanager.projectIamAdmin)`,
      false,
      { cause: e },
    );
  const msg = (e as Error)?.message ?? '';
  if (isTransientNetworkError(e) || (status === undefined && /aborted|timed? ?out|socket hang up/i.test(msg)))
    return new ProviderError(
      'gcp',
      `Google Cloud did not answer in time while trying to ${what} ${resource}`,
      true,
      { cause: e },
    );
  let detail = describe(e);
  try {
    detail = JSON.parse(msg).error?.message ?? detail;
  } catch {
    // not a JSON body: keep the first line of the message
  }
  return new ProviderError('gcp', `could not ${what} ${resource}: ${detail}`, isRetryableStatus(status), {
    cause: e,
  });
}
