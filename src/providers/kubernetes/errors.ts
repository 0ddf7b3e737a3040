import { ProviderError } from '../../core/providers/types.js';
import { isRetryableStatus, isTransientNetworkError } from '../shared/classify.js';

/** HTTP status of an ApiException (undefined for network failures). */
export const k8sStatus = (e: unknown): number | undefined => {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
};

/** The apiserver's Status message, when the body carries one. */
function statusMessage(e: unknown): string | undefined {
  const body = (e as { body?: unknown } | undefined)?.body;
  try {
    const s = typeof body === 'string' ? JSON.parse(body) : body;
    return typeof s?.message === 'string' ? s.message : undefined;
  } catch {
    return undefined;
  }
}

/** Maps an apiserver failure to a ProviderError saying what jitsudod could not do. */
export function toK8sError(e: unknown, what: string, target: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const status = k8sStatus(e);
  if (status === 403)
    return new ProviderError(
      'kubernetes',
      `jitsudod's identity may not ${what} ${target} (it needs create/get/delete on the bindings and the RBAC \`bind\` verb on the role)`,
      false,
      { cause: e },
    );
  if (status === 401)
    return new ProviderError(
      'kubernetes',
      `the cluster rejected jitsudod's credentials while trying to ${what} ${target}`,
      false,
      { cause: e },
    );
  if (status === undefined && isTransientNetworkError(e))
    return new ProviderError(
      'kubernetes',
      `the Kubernetes API did not answer in time while trying to ${what} ${target}`,
      true,
      { cause: e },
    );
  const detail = statusMessage(e) ?? (e instanceof Error ? e.message.split('\n')[0] : String(e));
  return new ProviderError(
    'kubernetes',
    `could not ${what} ${target}: ${detail}`,
    isRetryableStatus(status),
    { cause: e },
  );
}
