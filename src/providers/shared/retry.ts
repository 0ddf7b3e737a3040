import { ProviderError } from '../../core/providers/types.js';
import { toRetryPolicy } from './section.js';

export interface RetryPolicy {
  /** Total tries including the first; bounded so a dead target cannot stall the caller. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryDeps {
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs `op` and retries it only while `toError` classifies the failure as retryable. The last
 * retryable failure is rethrown as-is (still retryable), so the sweeper can try again later.
 */
export async function withRetry<T>(
  op: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  toError: (e: unknown) => ProviderError,
  deps: RetryDeps = {},
): Promise<T> {
  const sleep = deps.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (e) {
      const err = e instanceof ProviderError ? e : toError(e);
      if (!err.retryable || attempt >= policy.attempts) throw err;
      // Full jitter: concurrent jitsudod replicas must not hammer a throttling API in lockstep.
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.floor(Math.random() * cap));
    }
  }
}

/**
 * A provider's `call(what, target, op)`: `op` under the section's `retry` policy, a failure
 * classified by `toError` with what was being done and to what (the message the user will see).
 */
export function retryingCall(
  retry: Parameters<typeof toRetryPolicy>[0],
  toError: (e: unknown, what: string, target: string) => ProviderError,
  deps: RetryDeps,
): <T>(what: string, target: string, op: () => Promise<T>) => Promise<T> {
  const policy = toRetryPolicy(retry);
  return (what, target, op) => withRetry(op, policy, (e) => toError(e, what, target), deps);
}
