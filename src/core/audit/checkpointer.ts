import type { AuditDeps } from './access.js';
import { type AnchorConfig, readAnchorTip, writeAnchor } from './anchor.js';
import { appendAudit } from './append.js';
import type { ChainBreak } from './chain-verifier.js';
import { type CheckpointMemory, sealAudit } from './checkpoint.js';
import { checkpointDigest } from './checkpoint-sign.js';

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * What the checkpointer has done: the state a later `/metrics` exports (`refusals` and
 * `anchor_failures` are counters, `state` a gauge: 1 while refusing).
 */
export interface CheckpointerStatus {
  state: 'ok' | 'refusing';
  /** Ticks that refused to sign since the process started. */
  refusals: number;
  /** Anchor writes (file or URL) that failed since the process started. */
  anchor_failures: number;
  last_checkpoint: { seq: number; head_id: number; signed_at: string } | null;
  /** Why it refuses. */
  first_broken: ChainBreak | null;
}

export interface AuditCheckpointer {
  start(): void;
  stop(): Promise<void>;
  status(): CheckpointerStatus;
}

/**
 * Every `intervalMs` (and once at start), verifies the rows since the last checkpoint and signs the
 * next one (audit/checkpoint.ts sealAudit), then anchors it outside the database. When the chain does
 * not verify it refuses, alerts (error log, an `audit.tamper_detected` audit row, the status above)
 * and keeps refusing for the life of the process: a tampered log is for a human to look at, not for
 * the next tick to paper over. Shaped like core's Background.
 */
export function auditCheckpointer(
  deps: AuditDeps & {
    log?: Log;
    config?: { audit?: { anchor?: AnchorConfig; checkpoint_interval_seconds?: number } };
  },
  intervalMs = (deps.config?.audit?.checkpoint_interval_seconds ?? 60) * 1000,
): AuditCheckpointer {
  const anchor = deps.config?.audit?.anchor ?? {};
  const status: CheckpointerStatus = {
    state: 'ok',
    refusals: 0,
    anchor_failures: 0,
    last_checkpoint: null,
    first_broken: null,
  };
  let memory: CheckpointMemory | null = null;
  let memoryLoaded = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function refuse(broken: ChainBreak): Promise<void> {
    status.refusals++;
    deps.log?.error(
      { kind: broken.kind, row_id: broken.id, reason: broken.message, refusals: status.refusals },
      'audit chain does not verify: refusing to sign checkpoints',
    );
    if (status.state === 'refusing') return;
    status.state = 'refusing';
    status.first_broken = broken;
    await appendAudit(deps.db, {
      actor: 'system',
      action: 'audit.tamper_detected',
      outcome: 'failure',
      details: { kind: broken.kind, row_id: broken.id, reason: broken.message },
    }).catch((e: Error) => deps.log?.error({ err: e.message }, 'could not record audit.tamper_detected'));
  }

  async function tickOnce(): Promise<void> {
    if (status.state === 'refusing') return refuse(status.first_broken!);
    if (!memoryLoaded && anchor.file) {
      // The anchored tip outlives restarts: the database must still hold that checkpoint.
      const tip = await readAnchorTip(anchor.file);
      if (tip?.seq) memory = { seq: tip.seq, digest: checkpointDigest(tip) };
    }
    memoryLoaded = true;
    const r = await sealAudit(deps, { memory });
    if (r.status === 'refused') return refuse(r.broken);
    if (r.status !== 'signed') return;
    const c = r.checkpoint;
    memory = { seq: c.seq!, digest: checkpointDigest(c) };
    const failed = await writeAnchor(anchor, c);
    // Published after the anchor write, so whoever sees the checkpoint in the status finds it anchored.
    status.last_checkpoint = { seq: c.seq!, head_id: c.head_id, signed_at: c.signed_at };
    if (failed.length > 0) {
      status.anchor_failures += failed.length;
      deps.log?.warn(
        { seq: c.seq, failed },
        'audit checkpoint signed but not anchored; the next one will be',
      );
    }
  }

  let busy = false;
  const tick = () => {
    if (busy) return; // a slow tick (a long scan, a slow anchor URL) is not overlapped
    busy = true;
    running = tickOnce()
      .catch((e: Error) => deps.log?.warn({ err: e.message }, 'audit checkpoint failed; will retry'))
      .finally(() => {
        busy = false;
      });
  };
  return {
    start() {
      if (timer) return;
      timer = setInterval(tick, intervalMs);
      timer.unref();
      tick(); // at once: rows written before an upgrade get sealed before anyone can add to them
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
    status: () => ({ ...status }),
  };
}
