/**
 * Pending cleanup for the sweeper (docs/adr/0033-access-cut-and-cleanup.md): grants whose access is
 * already cut (EXPIRED, REVOKED) but whose provider left something at the target. Each due row is
 * claimed under a lease, its provider's revoke runs again (idempotent: with access already cut it
 * only finishes the tidy-up), and the outcome is recorded with its own audit event —
 * `grant.cleanup_done`, or `grant.cleanup_failed` and a retry with backoff, forever.
 */
import { SYSTEM_ACTOR } from '../actor.js';
import { claimCleanups } from '../db/cleanup-repo.js';
import { type RequestRow, updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { ProviderError } from '../providers/types.js';
import { lockById } from './batch.js';
import { backoffMs, callProvider, errorText, grantRefOf, mapLimit } from './provider-call.js';
import { cleanupLeft } from './revoke-flow.js';
import { audit, transact } from './tx.js';

/** From this many failed attempts on, a cleanup failure is an alert: someone should look. */
const ALERT_AFTER_ATTEMPTS = 5;

interface Result {
  row: RequestRow;
  left?: string;
  error?: string;
}

async function attempt(deps: CoreDeps, row: RequestRow): Promise<Result> {
  const provider = deps.providers.find(row.provider);
  try {
    if (!provider)
      throw new ProviderError(row.provider, `provider "${row.provider}" is not configured`, true);
    const out = await callProvider(deps, row.provider, () => provider.revoke(grantRefOf(row)));
    return { row, left: cleanupLeft(out) };
  } catch (e) {
    return { row, error: errorText(e) };
  }
}

/** Retries up to `limit` due cleanups; returns how many were claimed. Invariant: never changes `state`. */
export async function retryDueCleanups(deps: CoreDeps, limit: number): Promise<number> {
  const now = deps.now();
  const rows = await claimCleanups(
    deps.db,
    now,
    new Date(now.getTime() + deps.config.sweeper.lease_seconds * 1000),
    limit,
  );
  if (rows.length === 0) return 0;
  const results = await mapLimit(rows, deps.config.sweeper.provider_concurrency, (r) => attempt(deps, r));
  const ids = rows.map((r) => r.id);
  await transact(
    deps,
    async (tx) => {
      const at = deps.now();
      const current = await lockById(tx, ids);
      for (const { row, left, error } of results) {
        const cur = current.get(row.id);
        // Finished or re-claimed meanwhile (a lease that ran out): the newer claim records its own outcome.
        if (!cur || cur.cleanupPending === null || cur.cleanupAttempts !== row.cleanupAttempts) continue;
        const base = {
          actor: SYSTEM_ACTOR.identity,
          actorKind: 'system',
          requestId: cur.id,
          provider: cur.provider,
          resourceScope: cur.resourceScope,
        };
        if (!left && !error) {
          await updateRequest(
            tx,
            cur.id,
            { cleanupPending: null, cleanupNextAt: null, cleanupError: null },
            at,
          );
          await audit(tx, {
            ...base,
            action: 'grant.cleanup_done',
            outcome: 'success',
            details: { cleaned: cur.cleanupPending, attempts: cur.cleanupAttempts },
          });
          continue;
        }
        const next = new Date(at.getTime() + backoffMs(cur.cleanupAttempts));
        const why = error ?? left!;
        await updateRequest(
          tx,
          cur.id,
          { cleanupPending: left ?? cur.cleanupPending, cleanupNextAt: next, cleanupError: why },
          at,
        );
        await audit(tx, {
          ...base,
          action: 'grant.cleanup_failed',
          outcome: 'failure',
          details: {
            ...(cur.cleanupAttempts >= ALERT_AFTER_ATTEMPTS ? { alert: true } : {}),
            attempt: cur.cleanupAttempts,
            left: left ?? cur.cleanupPending,
            error: why,
            next_attempt_at: next.toISOString(),
          },
        });
        deps.log.warn(
          { request_id: cur.id, provider: cur.provider, attempt: cur.cleanupAttempts, error: why },
          'cleanup at the provider failed; access is already cut, will retry',
        );
      }
    },
    ids,
  );
  return rows.length;
}
