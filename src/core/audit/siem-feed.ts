/**
 * The audit log as SIEM sinks read it (ADR 0049): a leased per-sink cursor in the database and the
 * rows after it in chain order. The streamer (src/notify/siem) loops and sends; these steps keep
 * the cursor honest — it moves only after a receiver took the batch, so a receiver that was down
 * gets everything it missed, in order.
 */

import {
  advanceCursor,
  auditHeadId,
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

/** Every SIEM sink's cursor. */
export function siemCursors(deps: Pick<CoreDeps, 'db'>): Promise<SiemCursor[]> {
  return listCursors(deps.db);
}

export interface SiemSinkStatus {
  sink: string;
  /** The last audit row id the receiver took (0: none yet). */
  last_id: number;
  /** Audit rows written after it: what the receiver has yet to get. */
  behind: number;
  failures: number;
  last_error: string | null;
}

/** Per configured SIEM sink (and any cursor left by one removed since): how far behind it is, for `jitsudo server status`. */
export async function siemStatus(deps: Pick<CoreDeps, 'db' | 'config'>): Promise<SiemSinkStatus[]> {
  const [cursors, head] = await Promise.all([listCursors(deps.db), auditHeadId(deps.db)]);
  const byName = new Map(cursors.map((c) => [c.sink, c]));
  const names = [...new Set([...deps.config.notifications.siem.map((s) => s.name), ...byName.keys()])];
  return names.map((name) => {
    const c = byName.get(name);
    const last = c?.last_id ?? 0;
    return {
      sink: name,
      last_id: last,
      behind: Math.max(0, head - last),
      failures: c?.failures ?? 0,
      last_error: c?.last_error ?? null,
    };
  });
}
