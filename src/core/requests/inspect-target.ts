/**
 * Asks a provider what a grant would really give (Provider.inspect) before the request is
 * recorded, so approvers and policy judge the real thing (docs/adr/0032-postgres-role-reach.md).
 */
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import type { GrantRequest, Provider } from '../providers/types.js';
import { callProvider } from './provider-call.js';

/** Largest report stored on a request; a provider saying more than this is refused, not truncated. */
const MAX_TARGET_JSON = 16 * 1024;

/**
 * The provider's report, or null when it has no `inspect`. Invariant: a refusal is AppError
 * VALIDATION, an unreadable target is AppError PROVIDER_ERROR — never a request on trust.
 */
export async function inspectGrantTarget(
  deps: CoreDeps,
  provider: Provider,
  req: GrantRequest,
): Promise<Record<string, unknown> | null> {
  if (!provider.inspect) return null;
  let out: Record<string, unknown>;
  try {
    out = await callProvider(deps, provider.name, () => provider.inspect!(req));
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    if (cause instanceof AppError && cause.code === 'VALIDATION') throw cause;
    const err = e as { message?: string; retryable?: boolean };
    throw new AppError('PROVIDER_ERROR', `could not check the target of this request: ${err.message}`, {
      retryable: err.retryable ?? true,
      details: { provider: provider.name },
    });
  }
  if (JSON.stringify(out).length > MAX_TARGET_JSON)
    throw new AppError('PROVIDER_ERROR', 'the target reports more than jitsudo can show an approver', {
      details: { provider: provider.name },
    });
  return out;
}
