/**
 * Drift reconciliation for the sweeper, using provider.isActive:
 * - ACTIVE grants are checked every `sweeper.reconcile_interval_seconds`; a grant removed out of band
 *   is recorded (`grant.drift_detected`) and the request becomes REVOKED.
 * - Ended grants (EXPIRED, REVOKED, and FAILED after a failed cleanup) are checked once after their
 *   natural expiry: access still present is removed again and alerted; then provider.cleanup runs.
 */
import { SYSTEM_ACTOR } from '../actor.js';
import type { AuditInput } from '../audit/append.js';
import { type RequestPatch, type RequestRow, rescheduleRows, updateRequest } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { claimDue, lockById } from './batch.js';
import { backoffMs, callProvider, errorText, grantRefOf, mapLimit } from './provider-call.js';
import { afterEndAt } from './revoke-flow.js';
import { assertTransition } from './states.js';
import { audit, transact } from './tx.js';

interface Step {
  row: RequestRow;
  /** Applied only if the row is still in the state it was claimed in (same version). */
  patch: RequestPatch;
  audits: Omit<AuditInput, 'actor' | 'actorKind' | 'requestId' | 'provider' | 'resourceScope'>[];
}

async function record(deps: CoreDeps, steps: Step[]): Promise<void> {
  if (steps.length === 0) return;
  await transact(
    deps,
    async (tx) => {
      const now = deps.now();
      const current = await lockById(
        tx,
        steps.map((s) => s.row.id),
      );
      const reschedule: { id: string; nextAttemptAt: Date | null }[] = [];
      for (const s of steps) {
        const cur = current.get(s.row.id)!;
        if (cur.version !== s.row.version) continue; // someone acted on it meanwhile: their word stands
        const keys = Object.keys(s.patch);
        if (keys.length === 1 && keys[0] === 'nextAttemptAt' && s.audits.length === 0) {
          reschedule.push({ id: cur.id, nextAttemptAt: s.patch.nextAttemptAt ?? null });
          continue;
        }
        if (s.patch.state) assertTransition(cur.state, s.patch.state, cur.id);
        await updateRequest(tx, cur.id, s.patch, now);
        for (const a of s.audits)
          await audit(tx, {
            ...a,
            actor: SYSTEM_ACTOR.identity,
            actorKind: 'system',
            requestId: cur.id,
            provider: cur.provider,
            resourceScope: cur.resourceScope,
          });
      }
      // The common outcome (checked, nothing wrong) is one statement for the whole batch.
      await rescheduleRows(tx, reschedule, now);
    },
    steps.map((s) => s.row.id),
  );
}

/** Checks up to `limit` ACTIVE grants at their provider; returns how many were checked. */
export async function reconcileActiveGrants(deps: CoreDeps, limit: number): Promise<number> {
  const rows = await claimDue(deps, 'reconcile', limit);
  const interval = deps.config.sweeper.reconcile_interval_seconds * 1000;
  const steps = await mapLimit(rows, deps.config.sweeper.provider_concurrency, async (row): Promise<Step> => {
    const now = deps.now();
    const provider = deps.providers.find(row.provider);
    if (!provider || interval === 0) return { row, patch: { nextAttemptAt: null }, audits: [] };
    const next = new Date(Math.min(now.getTime() + interval, row.expiresAt!.getTime()));
    try {
      if (await callProvider(deps, row.provider, () => provider.isActive(grantRefOf(row))))
        return { row, patch: { nextAttemptAt: next }, audits: [] };
    } catch (e) {
      deps.log.warn(
        { request_id: row.id, provider: row.provider, error: errorText(e) },
        'drift check failed',
      );
      return { row, patch: { nextAttemptAt: next }, audits: [] };
    }
    // The grant reached its expiry while it was being checked: a provider that enforces expiry
    // itself (postgres VALID UNTIL) rightly says "not active". That is the expire job's, not drift
    // (found by test/e2e/ha-replicas.test.ts: short grants ended REVOKED with a false alert).
    if (deps.now() >= row.expiresAt!) return { row, patch: { nextAttemptAt: next }, audits: [] };
    deps.log.error(
      { request_id: row.id, provider: row.provider },
      'grant removed out of band; recording REVOKED',
    );
    return {
      row,
      patch: {
        state: 'REVOKED',
        endReason: 'drift',
        endedAt: now,
        credentialsEnc: null,
        nextAttemptAt: afterEndAt(deps, row, now),
      },
      audits: [
        {
          action: 'grant.drift_detected',
          outcome: 'failure',
          details: { alert: true, observed: 'grant missing at provider', recorded_state: 'REVOKED' },
        },
      ],
    };
  });
  await record(deps, steps);
  return rows.length;
}

/** After a grant ended: makes sure it is gone at the provider and runs provider.cleanup; returns how many. */
export async function checkEndedGrants(deps: CoreDeps, limit: number): Promise<number> {
  const rows = await claimDue(deps, 'after_end', limit);
  const steps = await mapLimit(rows, deps.config.sweeper.provider_concurrency, async (row): Promise<Step> => {
    const provider = deps.providers.find(row.provider);
    if (!provider) return { row, patch: { nextAttemptAt: null }, audits: [] };
    const ref = grantRefOf(row);
    const audits: Step['audits'] = [];
    const retry = (error: unknown): Step => {
      const attempt = row.revokeAttempts + 1;
      return {
        row,
        patch: {
          revokeAttempts: attempt,
          nextAttemptAt: new Date(deps.now().getTime() + backoffMs(attempt)),
        },
        audits: [
          ...audits,
          {
            action: 'grant.revoke_failed',
            outcome: 'failure',
            details: { alert: true, phase: 'after_end', attempt, error: errorText(error) },
          },
        ],
      };
    };
    try {
      if (await callProvider(deps, row.provider, () => provider.isActive(ref))) {
        deps.log.error(
          { request_id: row.id, provider: row.provider },
          'ended grant still active at provider; revoking again',
        );
        audits.push({
          action: 'grant.drift_detected',
          outcome: 'failure',
          details: { alert: true, observed: `grant still active after ${row.state}`, action_taken: 'revoke' },
        });
        await callProvider(deps, row.provider, () => provider.revoke(ref));
      }
      if (provider.cleanup) await callProvider(deps, row.provider, () => provider.cleanup!(ref));
      return { row, patch: { nextAttemptAt: null }, audits };
    } catch (e) {
      return retry(e);
    }
  });
  await record(deps, steps);
  return rows.length;
}
