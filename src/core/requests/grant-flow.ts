/**
 * The grant half of the lifecycle, shared by approve, auto-approval, break-glass and the sweeper's
 * retries. Precondition: the rows are APPROVED and claimed (attempt counted, lease set) by a
 * committed transaction. Then: provider.grant outside any transaction → one transaction recording
 * every outcome under row locks: ACTIVE with encrypted credentials, or a retry with backoff, or —
 * when attempts run out or the target refuses — FAILED after a best-effort cleanup at the provider.
 */
import type { AuditInput } from '../audit/append.js';
import { encryptSecret } from '../crypto/secrets.js';
import { type RequestPatch, type RequestRow, transitionIfState, updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import type { GrantResult } from '../providers/types.js';
import { ProviderError } from '../providers/types.js';
import { lockById } from './batch.js';
import { applyExtensions } from './extension-flow.js';
import {
  type AuditActor,
  backoffMs,
  callProvider,
  errorText,
  grantRefOf,
  grantRequestOf,
  mapLimit,
} from './provider-call.js';
import { assertTransition } from './states.js';
import { audit, transact } from './tx.js';

type Outcome =
  | { row: RequestRow; ok: true; result: GrantResult }
  | { row: RequestRow; ok: false; error: ProviderError; final: boolean; cleanedUp: boolean };

async function attempt(deps: CoreDeps, row: RequestRow): Promise<Outcome> {
  const provider = deps.providers.find(row.provider);
  try {
    if (!provider)
      throw new ProviderError(row.provider, `provider "${row.provider}" is not configured`, true);
    const result = await callProvider(deps, row.provider, () => provider.grant(grantRequestOf(row)));
    return { row, ok: true, result };
  } catch (e) {
    const error = e as ProviderError;
    const final = !error.retryable || row.grantAttempts >= deps.config.sweeper.max_attempts;
    let cleanedUp = false;
    if (final && provider) {
      // The failed call may have half-happened at the target; revoke is idempotent and cheap.
      cleanedUp = await callProvider(deps, row.provider, () => provider.revoke(grantRefOf(row))).then(
        () => true,
        () => false,
      );
    }
    return { row, ok: false, error, final, cleanedUp };
  }
}

/** Issues the grants of claimed APPROVED rows and records each outcome; returns the rows as stored after. */
export async function issueGrants(
  deps: CoreDeps,
  rows: readonly RequestRow[],
  who: AuditActor,
): Promise<RequestRow[]> {
  if (rows.length === 0) return [];
  // An approved extension moves its grant's expiry instead (ADR 0045); approve and the sweeper's
  // retries reach it through here, so neither needs to know about extensions.
  if (rows.some((r) => r.extendsRequestId !== null)) {
    const byId = new Map<string, RequestRow>();
    const [ext, grants] = [rows.filter((r) => r.extendsRequestId), rows.filter((r) => !r.extendsRequestId)];
    for (const r of await applyExtensions(deps, ext, who)) byId.set(r.id, r);
    for (const r of await issueGrants(deps, grants, who)) byId.set(r.id, r);
    return rows.map((r) => byId.get(r.id)!);
  }
  const outcomes = await mapLimit(rows, deps.config.sweeper.provider_concurrency, (r) => attempt(deps, r));
  return recordGrantOutcomes(deps, outcomes, who);
}

async function recordGrantOutcomes(
  deps: CoreDeps,
  outcomes: Outcome[],
  who: AuditActor,
): Promise<RequestRow[]> {
  return transact(
    deps,
    async (tx) => {
      const now = deps.now();
      const only = outcomes.length === 1 ? outcomes[0]! : undefined;
      if (only?.ok) {
        // The common case (one fresh grant): one compare-and-set UPDATE instead of lock + update.
        const row = await transitionIfState(
          tx,
          only.row.id,
          'APPROVED',
          activePatch(deps, only.row, only.result, now),
          now,
        );
        if (row) {
          await audit(tx, issuedAudit(who, row, only.result));
          return [row];
        }
      }
      const current = await lockById(
        tx,
        outcomes.map((o) => o.row.id),
      );
      const after: RequestRow[] = [];
      for (const o of outcomes) {
        const cur = current.get(o.row.id)!;
        const base = { ...who, requestId: cur.id, provider: cur.provider, resourceScope: cur.resourceScope };
        if (o.ok) {
          // Someone else (an earlier lease holder) already recorded this grant: same grant, nothing to do.
          if (cur.state !== 'APPROVED') {
            after.push(cur);
            continue;
          }
          assertTransition(cur.state, 'ACTIVE', cur.id);
          const row = await updateRequest(tx, cur.id, activePatch(deps, cur, o.result, now), now);
          await audit(tx, issuedAudit(who, row, o.result));
          after.push(row);
          continue;
        }
        // A failure from a lease holder that was since overtaken says nothing about the current attempt.
        if (cur.state !== 'APPROVED' || cur.version !== o.row.version) {
          after.push(cur);
          continue;
        }
        const error = errorText(o.error);
        if (o.final) {
          assertTransition(cur.state, 'FAILED', cur.id);
          const row = await updateRequest(
            tx,
            cur.id,
            {
              state: 'FAILED',
              endedAt: now,
              endReason: 'grant_failed',
              lastError: error,
              // A cleanup that failed is retried by the sweeper's after-end check.
              nextAttemptAt: o.cleanedUp ? null : new Date(now.getTime() + backoffMs(1)),
            },
            now,
          );
          await audit(tx, {
            ...base,
            action: 'grant.failed',
            outcome: 'failure',
            details: { attempt: cur.grantAttempts, retryable: o.error.retryable, error, final: true },
          });
          await audit(tx, {
            ...base,
            action: 'request.failed',
            outcome: 'failure',
            details: {
              error,
              attempts: cur.grantAttempts,
              provider_cleanup: o.cleanedUp ? 'done' : 'failed',
            },
          });
          after.push(row);
          continue;
        }
        const next = new Date(now.getTime() + backoffMs(cur.grantAttempts));
        const row = await updateRequest(tx, cur.id, { nextAttemptAt: next, lastError: error }, now);
        await audit(tx, {
          ...base,
          action: 'grant.failed',
          outcome: 'failure',
          details: {
            attempt: cur.grantAttempts,
            retryable: true,
            error,
            next_attempt_at: next.toISOString(),
          },
        });
        after.push(row);
      }
      return after;
    },
    outcomes.map((o) => o.row.id),
  );
}

/** What an issued grant writes to its row: ACTIVE, the bounded expiry, handle and encrypted credentials. */
function activePatch(deps: CoreDeps, r: RequestRow, result: GrantResult, now: Date): RequestPatch {
  assertTransition('APPROVED', 'ACTIVE', r.id);
  const requested = new Date(now.getTime() + r.durationSeconds * 1000);
  const expiresAt = result.expiresAt < requested ? result.expiresAt : requested;
  const reconcile = deps.config.sweeper.reconcile_interval_seconds;
  return {
    state: 'ACTIVE',
    grantedAt: now,
    expiresAt,
    grantHandle: result.handle,
    credentialsEnc: encryptSecret(deps.keys.encryptionKey, JSON.stringify(result.credentials), r.id),
    nextAttemptAt:
      reconcile > 0 ? new Date(Math.min(now.getTime() + reconcile * 1000, expiresAt.getTime())) : null,
    lastError: null,
  };
}

function issuedAudit(who: AuditActor, row: RequestRow, result: GrantResult): AuditInput {
  return {
    ...who,
    requestId: row.id,
    provider: row.provider,
    resourceScope: row.resourceScope,
    action: 'grant.issued',
    outcome: 'success',
    details: {
      expires_at: row.expiresAt!.toISOString(),
      attempt: row.grantAttempts,
      break_glass: row.breakGlass,
      ...(result.notice ? { notice: result.notice } : {}),
    },
  };
}
