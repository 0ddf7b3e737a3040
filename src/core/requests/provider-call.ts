/**
 * How core talks to providers: never inside a transaction, with a timeout, bounded concurrency, and
 * every failure normalized to a ProviderError whose message is safe to store and show.
 */

import type { RequestRow } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import type { GrantRef, GrantRequest } from '../providers/types.js';
import { ProviderError } from '../providers/types.js';

const MAX_ERROR_LENGTH = 500;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 10 * 60_000;

/** The provider-facing request of a stored row. */
export function grantRequestOf(r: RequestRow): GrantRequest {
  return {
    requestId: r.id,
    principal: {
      identity: r.requesterIdentity,
      kind: r.requesterKind,
      groups: r.requesterGroups,
      ...(r.agentName ? { agent: { name: r.agentName, owner: r.agentOwner ?? '' } } : {}),
    },
    role: r.role,
    scope: r.resourceScope,
    durationSeconds: r.durationSeconds,
    reason: r.reason,
    metadata: r.metadata,
    ...(r.targetFacts ? { target: r.targetFacts } : {}),
  };
}

/** The reference a provider needs to check or revoke the grant of a stored row. */
export function grantRefOf(r: RequestRow): GrantRef {
  return {
    request: grantRequestOf(r),
    handle: r.grantHandle ?? {},
    expiresAt: r.expiresAt ?? new Date(r.createdAt.getTime() + r.durationSeconds * 1000),
  };
}

/** Exponential backoff with jitter for the n-th failed attempt (1-based): ~2 s, 4 s, 8 s … ≤ 10 min. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(attempt - 1, 20)));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A short, storable description of a provider failure (no stack; bounded length). */
export function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.length > MAX_ERROR_LENGTH ? `${msg.slice(0, MAX_ERROR_LENGTH)}…` : msg;
}

/** Runs one provider call with the configured timeout; any failure becomes a ProviderError. */
export async function callProvider<T>(deps: CoreDeps, provider: string, fn: () => Promise<T>): Promise<T> {
  const ms = deps.config.sweeper.provider_timeout_seconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ProviderError(provider, `provider call timed out after ${ms / 1000} s`, true)),
      ms,
    );
  });
  try {
    return await Promise.race([fn(), timeout]);
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    // A validation refusal will not change on retry; anything else unexpected might.
    const retryable = !(e instanceof AppError && e.code === 'VALIDATION');
    throw new ProviderError(provider, errorText(e), retryable, { cause: e });
  } finally {
    clearTimeout(timer);
  }
}

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The audit identity recorded for work done on someone's behalf (approver, requester or system). */
export interface AuditActor {
  actor: string;
  actorKind: string;
  onBehalfOf?: string;
}
