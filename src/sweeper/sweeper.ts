/**
 * The sweeper: one loop per process. Each tick drains every kind of due work in batches claimed
 * with FOR UPDATE SKIP LOCKED (so any number of processes on one PostgreSQL share the work without
 * acting twice) under a lease (so a process that dies mid-sweep loses nothing: its claims become
 * due again). Expiry runs first and with several batches in flight, because its lag is the one
 * that matters most: access that should be gone. Besides the periodic tick, an expiry timer wakes
 * the process when the next grant is due (at most every EXPIRY_MIN_GAP_MS), so revocation lag is
 * the work itself rather than the tick interval.
 */
import { loggableError } from '../core/db/loggable-error.js';
import type { CoreDeps } from '../core/deps.js';
import { type RequestClaim, releaseRequestLeases } from '../core/leases.js';
import { retryDueCleanups } from '../core/requests/sweep-cleanup.js';
import { checkEndedGrants, reconcileActiveGrants } from '../core/requests/sweep-drift.js';
import {
  expireDueGrants,
  nextGrantExpiry,
  retryDueGrants,
  retryDueRevokes,
} from '../core/requests/sweep-grants.js';
import { escalateOverdueReviews, expireStalePending } from '../core/requests/sweep-pending.js';

export type SweepJob =
  | 'expire'
  | 'revoke_retry'
  | 'grant_retry'
  | 'pending_expire'
  | 'escalate'
  | 'after_end'
  | 'cleanup'
  | 'reconcile';

const JOBS: Record<SweepJob, (deps: CoreDeps, limit: number) => Promise<number>> = {
  expire: expireDueGrants,
  revoke_retry: retryDueRevokes,
  grant_retry: retryDueGrants,
  pending_expire: expireStalePending,
  escalate: escalateOverdueReviews,
  after_end: checkEndedGrants,
  cleanup: retryDueCleanups,
  reconcile: reconcileActiveGrants,
};
const ORDER: SweepJob[] = [
  'expire',
  'revoke_retry',
  'grant_retry',
  'pending_expire',
  'escalate',
  'after_end',
  'cleanup',
  'reconcile',
];

export interface SweeperOptions {
  /** Pause between ticks (default config.sweeper.interval_ms). */
  intervalMs?: number;
  /** Rows per claim (default config.sweeper.batch_size). */
  batchSize?: number;
  /** Batches of the same job in flight at once (default: 4 on PostgreSQL, 2 on PGlite). */
  parallelBatches?: number;
  /** Upper bound on batches per job per tick, so one flood cannot starve the other jobs. */
  maxBatchesPerTick?: number;
}

export type SweepReport = Record<SweepJob, number>;

/** Smallest pause between expiry wake-ups: under a stream of expiries, batches of this many ms. */
const EXPIRY_MIN_GAP_MS = 100;

export class Sweeper {
  readonly #deps: CoreDeps;
  readonly #intervalMs: number;
  readonly #batch: number;
  readonly #parallel: number;
  readonly #maxBatches: number;
  #timer: NodeJS.Timeout | undefined;
  #expiryTimer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #expiring: Promise<unknown> | undefined;
  #stopped = true;
  /** Claims of the batches in flight, by batch: what a stop that cannot wait hands back. */
  readonly #held = new Set<Map<string, RequestClaim>>();
  /** Set by stop(): batches in flight finish, no further batch starts (tick() alone runs with it unset). */
  #halting = false;

  constructor(deps: CoreDeps, opts: SweeperOptions = {}) {
    this.#deps = deps;
    this.#intervalMs = opts.intervalMs ?? deps.config.sweeper.interval_ms;
    this.#batch = opts.batchSize ?? deps.config.sweeper.batch_size;
    this.#parallel = opts.parallelBatches ?? (deps.driver === 'postgres' ? 4 : 2);
    this.#maxBatches = opts.maxBatchesPerTick ?? 200;
  }

  /** Runs every job once, draining what is due; returns how many rows each job took. */
  async tick(): Promise<SweepReport> {
    const report = Object.fromEntries(ORDER.map((j) => [j, 0])) as SweepReport;
    for (const job of ORDER) {
      try {
        report[job] = await this.#drain(job);
      } catch (e) {
        // One failing job (e.g. the database blinked) must not stop the others or the loop.
        this.#deps.log.error({ job, err: loggableError(e) }, 'sweeper job failed');
      }
    }
    return report;
  }

  async #drain(job: SweepJob): Promise<number> {
    const run = JOBS[job];
    let total = 0;
    let batches = 0;
    let exhausted = false;
    const worker = async () => {
      while (!exhausted && batches < this.#maxBatches && !this.#halting) {
        batches++;
        const held = new Map<string, RequestClaim>();
        const claims = {
          claimed: (rows: readonly { id: string; version: number }[], leaseUntil: Date) => {
            for (const r of rows) held.set(r.id, { id: r.id, version: r.version, leaseUntil });
          },
        };
        this.#held.add(held);
        try {
          const n = await run({ ...this.#deps, claims }, this.#batch);
          total += n;
          if (n < this.#batch) exhausted = true;
        } finally {
          this.#held.delete(held);
        }
      }
    };
    // Only provider-calling jobs benefit from overlap; the others are one transaction per batch.
    const width = job === 'expire' || job === 'revoke_retry' || job === 'grant_retry' ? this.#parallel : 1;
    await Promise.all(Array.from({ length: width }, worker));
    return total;
  }

  /** Starts the loop (idempotent). The first tick runs at once. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#halting = false;
    const loop = async () => {
      if (this.#stopped) return;
      this.#running = this.tick();
      await this.#running;
      this.#running = undefined;
      if (!this.#stopped) {
        this.#timer = setTimeout(loop, this.#intervalMs);
        this.#timer.unref?.();
      }
    };
    void loop();
    void this.#scheduleExpiry();
  }

  async #scheduleExpiry(): Promise<void> {
    if (this.#stopped) return;
    let delay = this.#intervalMs;
    try {
      const next = await nextGrantExpiry(this.#deps);
      if (next) delay = Math.max(0, next.getTime() - this.#deps.now().getTime());
    } catch (e) {
      this.#deps.log.warn({ err: loggableError(e) }, 'sweeper: next expiry unknown');
    }
    if (this.#stopped) return;
    delay = Math.min(this.#intervalMs, Math.max(EXPIRY_MIN_GAP_MS, delay));
    this.#expiryTimer = setTimeout(async () => {
      if (this.#stopped) return;
      this.#expiring = this.#drain('expire').catch((e) =>
        this.#deps.log.error({ err: loggableError(e) }, 'sweeper expiry failed'),
      );
      await this.#expiring;
      this.#expiring = undefined;
      void this.#scheduleExpiry();
    }, delay);
    this.#expiryTimer.unref?.();
  }

  /**
   * Stops the loop and waits for the work in flight, at most `graceMs` (default
   * http.shutdown_timeout_seconds). Batches still running then are left to finish or fail on their
   * own, and their claims are handed back now (ADR 0053): another replica retries them at once
   * instead of after sweeper.lease_seconds. Provider grants and revokes are idempotent, so a call
   * that still lands is harmless; its late outcome only records if the row was not claimed since.
   */
  async stop(graceMs = this.#deps.config.http.shutdown_timeout_seconds * 1000): Promise<void> {
    this.#stopped = true;
    this.#halting = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
    this.#timer = undefined;
    this.#expiryTimer = undefined;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.all([this.#running, this.#expiring]).then(() => true),
      new Promise<false>((res) => {
        timer = setTimeout(() => res(false), graceMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (finished) return;
    const held = [...this.#held].flatMap((m) => [...m.values()]);
    try {
      const released = await releaseRequestLeases(this.#deps, held);
      this.#deps.log.info(
        { released, held: held.length },
        'sweeper stopped with work in flight; leases released',
      );
    } catch (e) {
      this.#deps.log.warn(
        { err: loggableError(e) },
        'sweeper: releasing leases failed; they run out instead',
      );
    }
  }
}
