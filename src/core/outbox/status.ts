/** What the outbox's delivery looks like now, for `jitsudo server status` (never a secret). */
import type { Actor } from '../actor.js';
import { type SiemSinkStatus, siemStatus } from '../audit/siem-feed.js';
import { deliveryStats, type SinkDeliveryStats } from '../db/outbox-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { configuredSinkNames } from './sink-names.js';

export interface OutboxStatus {
  /** Events not yet fanned out into per-sink deliveries. */
  undispatched: number;
  sinks: (Omit<SinkDeliveryStats, 'oldest_pending_at'> & { oldest_pending_age_seconds: number | null })[];
  /** SIEM streams of the audit log (ADR 0049): cursor and lag per sink. */
  siem: SiemSinkStatus[];
}

/** Counts per configured sink (a sink with no rows yet shows zeros). */
export async function outboxStatus(deps: CoreDeps): Promise<OutboxStatus> {
  const [stats, siem] = await Promise.all([deliveryStats(deps.db), siemStatus(deps)]);
  const now = deps.now().getTime();
  const byName = new Map(stats.sinks.map((s) => [s.sink, s]));
  const configured = configuredSinkNames(deps.config);
  const names = [...new Set([...configured, ...byName.keys()])];
  return {
    undispatched: stats.undispatched,
    siem,
    sinks: names.map((name) => {
      const s = byName.get(name);
      return {
        sink: name,
        pending: s?.pending ?? 0,
        delivered: s?.delivered ?? 0,
        dead: s?.dead ?? 0,
        oldest_pending_age_seconds: s?.oldest_pending_at
          ? Math.max(0, Math.round((now - Date.parse(s.oldest_pending_at)) / 1000))
          : null,
        last_error: s?.last_error ?? null,
        last_note: s?.last_note ?? null,
      };
    }),
  };
}

/** Admin-only outbox status (sink names and error kinds are operational detail). */
export function getOutboxStatus(deps: CoreDeps, actor: Actor, _input: unknown = {}): Promise<OutboxStatus> {
  if (!actor.isAdmin) throw new AppError('FORBIDDEN', 'only administrators may read the outbox status');
  return outboxStatus(deps);
}
