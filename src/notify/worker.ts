/**
 * The outbox delivery worker (ADR 0046). Each tick fans new events out into per-sink delivery rows,
 * then every sink pumps on its own: claim due rows under a lease, deliver them side by side, record
 * the outcome. A slow or failing sink only delays itself; a worker that dies leaves leases that run
 * out, and another worker (or this one after a restart) claims the rows again: at least once.
 */
import { loggableError } from '../core/db/loggable-error.js';
import type { CoreDeps } from '../core/deps.js';
import { type DeliveryClaim, releaseDeliveryLeases } from '../core/leases.js';
import {
  type ClaimedDelivery,
  claimForSink,
  type DeliveryOutcome,
  eventsOf,
  fanOut,
  markDelivered,
  markFailed,
  noteDelivery,
} from '../core/outbox/deliveries.js';
import { warnExpiringGrants } from '../core/outbox/expiring.js';
import { pruneNotifications } from '../core/outbox/prune.js';
import type { OutboxEvent, Sink, SinkResult } from './sink.js';

const FAN_OUT_BATCH = 500;
const PRUNE_EVERY_MS = 3600_000;
const WARN_EVERY_MS = 5000;

export class OutboxWorker {
  readonly #deps: CoreDeps;
  readonly #sinks: readonly Sink[];
  readonly #pumps = new Map<string, Promise<void>>();
  readonly #stop = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;
  #lastPrune = 0;
  #lastWarn = -Infinity;
  /** Deliveries cut by stop() before their outcome was recorded, per sink: released at the end of stop(). */
  readonly #unfinished = new Map<string, DeliveryClaim[]>();

  constructor(deps: CoreDeps, sinks: readonly Sink[]) {
    this.#deps = deps;
    this.#sinks = sinks;
  }

  get #cfg() {
    return this.#deps.config.notifications;
  }

  start(): void {
    if (this.#loop || this.#stop.signal.aborted) return;
    const run = async () => {
      await this.#tickOnce().catch((e) =>
        this.#deps.log.error({ err: loggableError(e) }, 'outbox worker tick failed; will retry'),
      );
      if (!this.#stop.signal.aborted)
        this.#timer = setTimeout(() => (this.#loop = run()), this.#cfg.poll_interval_ms);
    };
    this.#loop = run();
  }

  /**
   * Stops polling, aborts deliveries in flight and waits; the deliveries it cut are made due again
   * at once (ADR 0053), so another worker sends them now rather than after the lease. Nothing is lost
   * either way: at least once.
   */
  async stop(): Promise<void> {
    this.#stop.abort();
    clearTimeout(this.#timer);
    await this.#loop;
    await Promise.all(this.#pumps.values());
    for (const [sink, claims] of this.#unfinished) {
      this.#unfinished.delete(sink);
      await releaseDeliveryLeases(this.#deps, sink, claims).catch((e) =>
        this.#deps.log.warn(
          { sink, err: loggableError(e) },
          'outbox: releasing leases failed; they run out instead',
        ),
      );
    }
  }

  /** One pass (tests and benches): fan out, then drain what each sink has due; waits for the sinks. */
  async tick(): Promise<void> {
    await this.#tickOnce();
    await Promise.all(this.#pumps.values());
  }

  async #tickOnce(): Promise<void> {
    const now = this.#deps.now().getTime();
    // Expiry warnings have minutes of lead time: looking every few seconds is plenty.
    if (now - this.#lastWarn >= WARN_EVERY_MS || now < this.#lastWarn) {
      this.#lastWarn = now;
      await warnExpiringGrants(this.#deps, FAN_OUT_BATCH);
    }
    // Before the pumps start, not beside them: on PGlite (one connection, in this thread) a prune
    // pass run alongside deliveries would stall their sockets' timers (an SMTP greeting, a TLS hello).
    if (now - this.#lastPrune > PRUNE_EVERY_MS) {
      this.#lastPrune = now;
      await pruneNotifications(this.#deps, { signal: this.#stop.signal });
    }
    while ((await fanOut(this.#deps, this.#sinks, FAN_OUT_BATCH)) === FAN_OUT_BATCH) {
      if (this.#stop.signal.aborted) return;
    }
    for (const sink of this.#sinks) {
      if (this.#pumps.has(sink.name)) continue; // still draining from an earlier tick
      const p = this.#pump(sink)
        .catch((e) =>
          this.#deps.log.error({ sink: sink.name, err: loggableError(e) }, 'outbox sink pump failed'),
        )
        .finally(() => this.#pumps.delete(sink.name));
      this.#pumps.set(sink.name, p);
    }
  }

  /** Claims and delivers `sink`'s due rows until fewer than a full batch are due. */
  async #pump(sink: Sink): Promise<void> {
    const batch = this.#cfg.concurrency;
    for (;;) {
      if (this.#stop.signal.aborted) return;
      const rows = await claimForSink(this.#deps, sink.name, batch);
      if (rows.length === 0) return;
      const events = await eventsOf(this.#deps, rows);
      const delivered = (await Promise.all(rows.map((r, i) => this.#deliverOne(sink, r, events[i]!)))).filter(
        (id): id is string => id !== undefined,
      );
      // One statement for the batch's successes: on PGlite every statement waits its turn on the one connection.
      await markDelivered(this.#deps, sink.name, delivered);
      if (rows.length < batch) return;
    }
  }

  /** Delivers `r`; returns its id when delivered (recorded by the caller), records any failure itself. */
  async #deliverOne(sink: Sink, r: ClaimedDelivery, event: OutboxEvent): Promise<string | undefined> {
    let result: SinkResult;
    try {
      result = await sink.deliver(event, this.#stop.signal);
    } catch (e) {
      // A sink bug must not stop the pump; the message is the sink's own, never the event body.
      result = { ok: false, retryable: true, error: `sink error: ${(e as Error).message}`.slice(0, 200) };
    }
    const outcome = this.#outcome(r.attempts, result);
    if (outcome.kind === 'delivered') {
      // Rare (a capped fan-out): its own statement; the batch's successes still go in one.
      if (result.ok && result.note) await noteDelivery(this.#deps, sink.name, r.id, result.note);
      return r.id;
    }
    if (this.#stop.signal.aborted) {
      // Cut by stop(): no outcome to record; stop() hands the claim back.
      const list = this.#unfinished.get(sink.name) ?? [];
      list.push({ eventId: r.id, attempts: r.attempts });
      this.#unfinished.set(sink.name, list);
      return;
    }
    if (outcome.kind === 'dead')
      this.#deps.log.warn(
        { sink: sink.name, event_id: r.id, error: outcome.error },
        'outbox delivery gave up',
      );
    await markFailed(this.#deps, sink.name, r, outcome);
  }

  #outcome(attempts: number, result: SinkResult): DeliveryOutcome {
    if (result.ok) return { kind: 'delivered' };
    if (!result.retryable || attempts >= this.#cfg.max_attempts) return { kind: 'dead', error: result.error };
    const cap = Math.min(
      this.#cfg.max_backoff_seconds * 1000,
      this.#cfg.backoff_base_ms * 2 ** (attempts - 1),
    );
    // Full jitter: retries of many events that failed together spread out instead of stampeding.
    const delay = Math.max(1, result.retryAfterMs ?? 0, Math.random() * cap);
    return { kind: 'retry', at: new Date(this.#deps.now().getTime() + delay), error: result.error };
  }
}
