import { ProviderError } from '../../core/providers/types.js';
import { describe, isRetryableStatus, isTransientNetworkError } from '../shared/classify.js';

const RETRYABLE_NAMES = new Set([
  'Throttling',
  'TooManyRequests',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'InternalServer',
  'ServiceFailure',
  'ConcurrentModification',
  'Conflict',
  'IDPCommunicationError',
]);

/**
 * The AWS error code without the SDK's `Exception` suffix: modeled errors arrive as
 * `NoSuchEntityException`, unmodeled ones as the bare wire code (`AccessDenied`).
 */
export const awsErrorName = (e: unknown): string | undefined => {
  const err = e as { Code?: unknown; name?: unknown } | undefined;
  const raw = typeof err?.Code === 'string' ? err.Code : typeof err?.name === 'string' ? err.name : undefined;
  return raw?.replace(/Exception$/, '');
};

/** Maps an AWS SDK failure to a ProviderError whose message says what jitsudod could not do. */
export function toAwsError(e: unknown, what: string, target: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const name = awsErrorName(e) ?? '';
  const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (name === 'AccessDenied')
    return new ProviderError(
      'aws',
      `jitsudod's identity may not ${what} ${target} (AWS said access denied)`,
      false,
      {
        cause: e,
      },
    );
  if (isTransientNetworkError(e))
    return new ProviderError('aws', `AWS did not answer in time while trying to ${what} ${target}`, true, {
      cause: e,
    });
  const retryable = RETRYABLE_NAMES.has(name) || isRetryableStatus(status) || (e as any)?.$retryable != null;
  const label = name && name !== 'Error' ? `${name}: ` : '';
  return new ProviderError('aws', `could not ${what} ${target}: ${label}${describe(e)}`, retryable, {
    cause: e,
  });
}
