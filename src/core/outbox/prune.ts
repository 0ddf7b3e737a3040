/**
 * Pruning notification transport (ADR 0057): outbox events whose deliveries are all settled, and
 * the Slack message refs of requests that ended, once older than notifications.retention_days;
 * and step-up links (ADR 0050) expired that long ago.
 * The audit log is the record of what happened; these rows only carried it to people.
 */
import {
  pruneOutboxBatch,
  pruneSlackMessagesBatch,
  pruneStepUpLinksBatch,
} from '../db/outbox-maintenance-repo.js';
import type { CoreDeps } from '../deps.js';

export const PRUNE_BATCH = 500;
/** A pass stops after this many batches per table; the rest waits for the next pass. */
const MAX_BATCHES = 40;

export interface PruneResult {
  events: number;
  slack_messages: number;
  step_up_links: number;
}

/**
 * Deletes, in batches of `batch` rows (one short statement each, so neither a PostgreSQL lock
 * nor PGlite's single connection is held long), dispatched events older than the retention with no
 * pending delivery, and slack_messages of requests that ended before it. Invariant: a pending
 * delivery's event, and the message of a request still open, are never deleted.
 */
export async function pruneNotifications(
  deps: Pick<CoreDeps, 'db' | 'now' | 'config'>,
  opts: { batch?: number; signal?: AbortSignal } = {},
): Promise<PruneResult> {
  const batch = opts.batch ?? PRUNE_BATCH;
  const before = new Date(deps.now().getTime() - deps.config.notifications.retention_days * 86_400_000);
  const drain = async (step: () => Promise<number>) => {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES && !opts.signal?.aborted; i++) {
      const n = await step();
      total += n;
      if (n < batch) break;
    }
    return total;
  };
  const events = await drain(() => pruneOutboxBatch(deps.db, before, batch));
  const slack_messages = await drain(() => pruneSlackMessagesBatch(deps.db, before, batch));
  const step_up_links = await drain(() => pruneStepUpLinksBatch(deps.db, before, batch));
  return { events, slack_messages, step_up_links };
}
