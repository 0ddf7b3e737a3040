/**
 * The audit log as SIEM sinks read it (ADR 0049): a leased per-sink cursor in the database and the
 * rows after it in chain order. The streamer (src/notify/siem) loops and sends; these steps keep
 * the cursor honest — it moves only after a receiver took the batch, so a receiver that was down
 * gets everything it missed, in order.
 */

import {
  advanceCursor,
  auditRowsAfter,
  failCursor,
  leaseCursor,
  listCursors,
  releaseCursor,
  type SiemCursor,
  type SiemRecord,
} from '../db/siem-repo.js';
import type { CoreDeps } from '../deps.js';

export type { SiemCursor, SiemRecord };

type Deps = Pick<CoreDeps, 'db' | 'now'>;

/** The next batch for `sink` under a lease of `leaseMs`, or null if another replica holds it or it is backing off. */
export async function nextSiemBatch(
  deps: Deps,
  sink: string,
  limit: number,
  leaseMs: number,
): Promise<{ cursor: SiemCursor; rows: SiemRecord[] } | null> {
  const now = deps.now();
  const cursor = await leaseCursor(deps.db, sink, now, new Date(now.getTime() + leaseMs));
  if (!cursor) return null;
  const rows = await auditRowsAfter(deps.db, cursor.last_id, limit);
  if (rows.length === 0) await releaseCursor(deps.db, sink);
  return { cursor, rows };
}

/** The receiver took rows up to `to`: move the cursor there and release the lease. */
export async function siemDelivered(deps: Deps, sink: string, from: number, to: number): Promise<boolean> {
  const moved = await advanceCursor(deps.db, sink, from, to, deps.now());
  await releaseCursor(deps.db, sink);
  return moved;
}

/** The send failed: count it and hold the sink back until `retryAt`. */
export function siemFailed(deps: Deps, sink: string, error: string, retryAt: Date): Promise<void> {
  return failCursor(deps.db, sink, error, retryAt, deps.now());
}

/** Every SIEM sink's cursor (for `jitsudo server status`). */
export function siemCursors(deps: Pick<CoreDeps, 'db'>): Promise<SiemCursor[]> {
  return listCursors(deps.db);
}
