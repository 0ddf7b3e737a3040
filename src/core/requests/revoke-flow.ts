/**
 * The revoke half of the lifecycle, shared by early release, admin revocation, expiry and drift.
 * Precondition: the rows are ACTIVE with `end_reason` set (the intent: `expired`, `revoked`) and
 * claimed by a committed transaction. Then provider.revoke outside any transaction → one transaction
 * recording the outcomes: EXPIRED/REVOKED only once the provider confirmed, credentials wiped; a
 * failure keeps the row ACTIVE-with-intent, retried with backoff forever, and writes an alert
 * (`grant.revoke_failed`) every time. A provider that cut access but left something behind ends the
 * request all the same; what is left becomes the row's pending cleanup (`grant.cleanup_pending`),
 * retried by the sweeper on its own schedule (sweep-cleanup.ts, docs/adr/0033-access-cut-and-cleanup.md).
 */
import { markCleanupPending } from '../db/cleanup-repo.js';
import { finishRevokedRows, type RequestRow, updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { ProviderError } from '../providers/types.js';
import { lockById } from './batch.js';
import {
  type AuditActor,
  backoffMs,
  callProvider,
  errorText,
  grantRefOf,
  mapLimit,
} from './provider-call.js';
import { assertTransition } from './states.js';
import { audit, transact } from './tx.js';

type Outcome =
  | { row: RequestRow; ok: true; cleanupPending?: string }
  | { row: RequestRow; ok: false; error: ProviderError };

/** Grace period before the after-end check (cleanup and "is it really gone?") runs. */
const AFTER_END_DELAY_MS = 30_000;

async function attempt(deps: CoreDeps, row: RequestRow): Promise<Outcome> {
  const provider = deps.providers.find(row.provider);
  try {
    if (!provider)
      throw new ProviderError(
        row.provider,
        `provider "${row.provider}" is not configured; cannot revoke`,
        true,
      );
    const out = await callProvider(deps, row.provider, () => provider.revoke(grantRefOf(row)));
    deps.log.debug({ request_id: row.id, provider: row.provider }, 'grant revoked at provider');
    const left = cleanupLeft(out);
    return left ? { row, ok: true, cleanupPending: left } : { row, ok: true };
  } catch (e) {
    return { row, ok: false, error: e as ProviderError };
  }
}

/** What a provider's revoke says is left at the target (bounded, storable), or undefined. */
export function cleanupLeft(out: unknown): string | undefined {
  const left = (out as { cleanupPending?: unknown } | undefined)?.cleanupPending;
  return typeof left === 'string' && left.trim() ? errorText(left) : undefined;
}

/** When the after-end check of a grant that just ended is due (null: nothing to check). */
export function afterEndAt(deps: CoreDeps, r: RequestRow, now: Date): Date | null {
  if (!deps.providers.has(r.provider)) return null;
  const natural = r.expiresAt?.getTime() ?? now.getTime();
  return new Date(Math.max(natural, now.getTime() + AFTER_END_DELAY_MS));
}

/** Revokes the grants of claimed rows and records each outcome; returns the rows as stored after. */
export async function revokeGrants(
  deps: CoreDeps,
  rows: readonly RequestRow[],
  who: AuditActor,
): Promise<RequestRow[]> {
  if (rows.length === 0) return [];
  const outcomes = await mapLimit(rows, deps.config.sweeper.provider_concurrency, (r) => attempt(deps, r));
  return transact(
    deps,
    async (tx) => {
      const now = deps.now();
      const current = await lockById(
        tx,
        outcomes.map((o) => o.row.id),
      );
      const after = new Map<string, RequestRow>();
      const finished: { id: string; state: 'EXPIRED' | 'REVOKED'; nextAttemptAt: Date | null }[] = [];
      const leftovers: { id: string; pending: string; nextAt: Date }[] = [];
      for (const o of outcomes) {
        const cur = current.get(o.row.id)!;
        const base = { ...who, requestId: cur.id, provider: cur.provider, resourceScope: cur.resourceScope };
        after.set(cur.id, cur);
        // Already finished by another holder of an older lease: the revoke was idempotent, nothing to add.
        if (cur.state !== 'ACTIVE' || cur.endReason === null) continue;
        if (o.ok) {
          const to = cur.endReason === 'expired' ? 'EXPIRED' : 'REVOKED';
          assertTransition(cur.state, to, cur.id);
          finished.push({ id: cur.id, state: to, nextAttemptAt: afterEndAt(deps, cur, now) });
          await audit(tx, {
            ...base,
            action: to === 'EXPIRED' ? 'grant.expired' : 'grant.revoked',
            outcome: 'success',
            details: {
              end_reason: cur.endReason,
              attempts: cur.revokeAttempts,
              ...(to === 'EXPIRED' && cur.expiresAt
                ? { lag_ms: now.getTime() - cur.expiresAt.getTime() }
                : {}),
              ...(o.cleanupPending ? { cleanup_pending: true } : {}),
            },
          });
          if (o.cleanupPending) {
            const nextAt = new Date(now.getTime() + backoffMs(1));
            leftovers.push({ id: cur.id, pending: o.cleanupPending, nextAt });
            await audit(tx, {
              ...base,
              action: 'grant.cleanup_pending',
              outcome: 'success',
              details: { left: o.cleanupPending, next_attempt_at: nextAt.toISOString() },
            });
            deps.log.warn(
              { request_id: cur.id, provider: cur.provider, left: o.cleanupPending },
              'access cut; cleanup left at the provider will be retried',
            );
          }
          continue;
        }
        if (cur.version !== o.row.version) continue;
        const error = errorText(o.error);
        const next = new Date(now.getTime() + backoffMs(cur.revokeAttempts));
        const row = await updateRequest(tx, cur.id, { nextAttemptAt: next, lastError: error }, now);
        await audit(tx, {
          ...base,
          action: 'grant.revoke_failed',
          outcome: 'failure',
          details: {
            alert: true,
            end_reason: cur.endReason,
            attempt: cur.revokeAttempts,
            retryable: o.error.retryable,
            error,
            next_attempt_at: next.toISOString(),
          },
        });
        deps.log.error(
          { request_id: cur.id, provider: cur.provider, attempt: cur.revokeAttempts, error },
          'provider revoke failed; access is still in force and will be retried',
        );
        after.set(cur.id, row);
      }
      // One statement for every grant that ended in this batch (the sweeper's hot path).
      for (const r of await finishRevokedRows(tx, finished, now)) after.set(r.id, r);
      for (const r of await markCleanupPending(tx, leftovers, now)) after.set(r.id, r);
      return outcomes.map((o) => after.get(o.row.id)!);
    },
    outcomes.map((o) => o.row.id),
  );
}
