import { ProviderError } from '../../core/providers/types.js';
import { describe, isRetryableStatus, isTransientNetworkError } from '../shared/classify.js';

/** ARM error code and HTTP status of a RestError (or of a Graph reply we wrapped the same way). */
export const armCode = (e: unknown): { code?: string; status?: number } => {
  const err = e as { code?: unknown; statusCode?: unknown } | undefined;
  return {
    code: typeof err?.code === 'string' ? err.code : undefined,
    status: typeof err?.statusCode === 'number' ? err.statusCode : undefined,
  };
};

/** Maps an ARM/Graph failure to a ProviderError saying what jitsudod could not do. */
export function toAzureError(e: unknown, what: string, target: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const { code, status } = armCode(e);
  if (status === 403 || code === 'AuthorizationFailed')
    return new ProviderError(
      'azure',
      `jitsudod's identity may not ${what} ${target} (needs Microsoft.Authorization/roleAssignments/write and /delete there, e.g. User Access Administrator)`,
      false,
      { cause: e },
    );
  if (code === 'PrincipalNotFound')
    // New principals take a while to replicate to ARM; Azure documents retrying.
    return new ProviderError(
      'azure',
      `Azure does not know the principal yet (directory replication); cannot ${what} ${target}`,
      true,
      { cause: e },
    );
  if (isTransientNetworkError(e) || code === 'REQUEST_SEND_ERROR' || code === 'ECONNRESET')
    return new ProviderError(
      'azure',
      `Azure did not answer in time while trying to ${what} ${target}`,
      true,
      { cause: e },
    );
  return new ProviderError(
    'azure',
    `could not ${what} ${target}: ${code ? `${code}: ` : ''}${describe(e)}`,
    isRetryableStatus(status),
    { cause: e },
  );
}
