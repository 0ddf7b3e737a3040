/**
 * The apply half of an extension, shared by auto-approval, approveRequest and the sweeper's retries
 * (grant-flow.ts hands it every extension row). Precondition, as for a grant: the extension rows are
 * APPROVED and claimed by a committed transaction. Then: provider.extend outside any transaction →
 * one transaction, under the locks of the extension and its grant, recording the outcome: the
 * grant's new expiry (and re-issued credentials) with `grant.extended`, or a retry, or FAILED. The
 * grant's expiry never moves unless the provider's did, so a failure leaves it ending when it would
 * have anyway.
 */
import { encryptSecret } from '../crypto/secrets.js';
import type { Transaction } from '../db/client.js';
import { findRequest, type RequestRow, updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import type { ExtendResult } from '../providers/types.js';
import { ProviderError } from '../providers/types.js';
import { lockById } from './batch.js';
import { ceilingOf, extendedTimes } from './extend-ceiling.js';
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
  | { row: RequestRow; parent: RequestRow; ok: true; result: ExtendResult; wanted: Date }
  | { row: RequestRow; ok: false; error: ProviderError; final: boolean };

/** Why the grant cannot take this extension now (ended, ending, changed, over the ceiling), or undefined. */
function blocker(deps: CoreDeps, ext: RequestRow, parent: RequestRow | undefined): string | undefined {
  if (parent?.state !== 'ACTIVE' || parent.endReason !== null || !parent.expiresAt)
    return `request ${ext.extendsRequestId} ${parent ? `is ${parent.state}${parent.endReason ? ' and ending' : ''}` : 'is gone'}; there is no live grant to extend`;
  const { totalSeconds } = extendedTimes(parent, ext.durationSeconds);
  const c = ceilingOf(deps.config, ext.extensionCeilingSeconds);
  if (totalSeconds > c.seconds)
    return `the grant would last ${totalSeconds} s in total, over its ceiling of ${c.seconds} s (${c.source})`;
  return undefined;
}

async function attempt(deps: CoreDeps, row: RequestRow): Promise<Outcome> {
  const parent = await findRequest(deps.db, row.extendsRequestId!);
  const refused = blocker(deps, row, parent);
  if (refused) return { row, ok: false, error: new ProviderError(row.provider, refused, false), final: true };
  const p = parent!;
  const provider = deps.providers.find(p.provider);
  try {
    if (!provider?.extend)
      throw new ProviderError(p.provider, `provider "${p.provider}" cannot extend grants`, false);
    const wanted = extendedTimes(p, row.durationSeconds).expiresAt;
    const result = await callProvider(deps, p.provider, () => provider.extend!(grantRefOf(p), wanted));
    return { row, parent: p, ok: true, result, wanted };
  } catch (e) {
    const error = e as ProviderError;
    return {
      row,
      ok: false,
      error,
      final: !error.retryable || row.grantAttempts >= deps.config.sweeper.max_attempts,
    };
  }
}

/** Applies claimed APPROVED extensions and records each outcome; returns the extension rows as stored after. */
export async function applyExtensions(
  deps: CoreDeps,
  rows: readonly RequestRow[],
  who: AuditActor,
): Promise<RequestRow[]> {
  if (rows.length === 0) return [];
  const outcomes = await mapLimit(rows, deps.config.sweeper.provider_concurrency, (r) => attempt(deps, r));
  const ids = outcomes.flatMap((o) => [o.row.id, o.row.extendsRequestId!]);
  return transact(
    deps,
    async (tx) => {
      const now = deps.now();
      const current = await lockById(tx, ids);
      const after: RequestRow[] = [];
      for (const o of outcomes) {
        const cur = current.get(o.row.id)!;
        // Overtaken by a later claim (the sweeper took over after a lease ran out): not ours to record.
        if (cur.state !== 'APPROVED' || cur.version !== o.row.version) {
          after.push(cur);
          continue;
        }
        const parent = current.get(cur.extendsRequestId!)!;
        const at = { tx, deps, who, now };
        if (!o.ok) {
          after.push(await recordFailure(at, cur, o.error, o.final));
          continue;
        }
        // Re-checked under the lock: the grant may have ended, or moved, while the provider worked.
        const expiresAt = o.result.expiresAt < o.wanted ? o.result.expiresAt : o.wanted;
        const refused =
          blocker(deps, cur, parent) ??
          (parent.expiresAt!.getTime() !== o.parent.expiresAt!.getTime()
            ? `request ${parent.id} changed while it was being extended`
            : expiresAt <= parent.expiresAt!
              ? `provider ${cur.provider} could not move the grant's end past ${parent.expiresAt!.toISOString()}`
              : undefined);
        after.push(
          refused
            ? await recordFailure(at, cur, new ProviderError(cur.provider, refused, false), true)
            : await recordApplied(at, cur, parent, o.result, expiresAt),
        );
      }
      return after;
    },
    ids,
  );
}

interface At {
  tx: Transaction;
  deps: CoreDeps;
  who: AuditActor;
  now: Date;
}

/** The grant's new expiry (and credentials), the extension APPLIED, and both audit events. */
async function recordApplied(
  { tx, deps, who, now }: At,
  ext: RequestRow,
  parent: RequestRow,
  r: ExtendResult,
  expiresAt: Date,
): Promise<RequestRow> {
  const previous = parent.expiresAt!;
  const credentialsEnc = r.credentials
    ? encryptSecret(deps.keys.encryptionKey, JSON.stringify(r.credentials), parent.id)
    : undefined;
  await updateRequest(
    tx,
    parent.id,
    {
      expiresAt,
      ...(credentialsEnc ? { credentialsEnc } : {}),
      ...(r.handle ? { grantHandle: r.handle } : {}),
    },
    now,
  );
  assertTransition(ext.state, 'APPLIED', ext.id);
  const row = await updateRequest(
    tx,
    ext.id,
    { state: 'APPLIED', grantedAt: now, expiresAt, endedAt: now, nextAttemptAt: null, lastError: null },
    now,
  );
  const base = {
    ...who,
    provider: ext.provider,
    resourceScope: ext.resourceScope,
    outcome: 'success' as const,
  };
  const added = Math.round((expiresAt.getTime() - previous.getTime()) / 1000);
  await audit(tx, {
    ...base,
    requestId: parent.id,
    action: 'grant.extended',
    details: {
      extension_id: ext.id,
      previous_expires_at: previous.toISOString(),
      expires_at: expiresAt.toISOString(),
      added_seconds: added,
      total_duration_seconds: extendedTimes({ ...parent, expiresAt }, 0).totalSeconds,
      credentials_reissued: r.credentials !== undefined,
      ...(r.notice ? { notice: r.notice } : {}),
    },
  });
  await audit(tx, {
    ...base,
    requestId: ext.id,
    action: 'request.extension_applied',
    details: { extends_request_id: parent.id, expires_at: expiresAt.toISOString(), added_seconds: added },
  });
  return row;
}

/** A failed apply: retried with backoff, or — final — the extension FAILED; the grant is untouched. */
async function recordFailure(
  { tx, who, now }: At,
  ext: RequestRow,
  e: ProviderError,
  final: boolean,
): Promise<RequestRow> {
  const error = errorText(e);
  const base = { ...who, requestId: ext.id, provider: ext.provider, resourceScope: ext.resourceScope };
  const details = {
    extends_request_id: ext.extendsRequestId,
    attempt: ext.grantAttempts,
    retryable: e.retryable,
    error,
  };
  if (!final) {
    const next = new Date(now.getTime() + backoffMs(ext.grantAttempts));
    const row = await updateRequest(tx, ext.id, { nextAttemptAt: next, lastError: error }, now);
    await audit(tx, {
      ...base,
      action: 'grant.extend_failed',
      outcome: 'failure',
      details: { ...details, next_attempt_at: next.toISOString() },
    });
    return row;
  }
  assertTransition(ext.state, 'FAILED', ext.id);
  // No next attempt: a failed extension leaves nothing at the target to clean up.
  const row = await updateRequest(
    tx,
    ext.id,
    { state: 'FAILED', endedAt: now, endReason: 'extend_failed', lastError: error, nextAttemptAt: null },
    now,
  );
  await audit(tx, {
    ...base,
    action: 'grant.extend_failed',
    outcome: 'failure',
    details: { ...details, final: true },
  });
  await audit(tx, {
    ...base,
    action: 'request.failed',
    outcome: 'failure',
    details: { error, attempts: ext.grantAttempts },
  });
  return row;
}
