/**
 * Streams the audit log to each SIEM sink from its cursor (ADR 0049): take the sink's lease, read
 * the rows after its cursor, send them as one batch, move the cursor only when the receiver took
 * them. A failure holds the sink back with full-jitter exponential backoff (its lease doubles as the
 * retry time); a receiver that was down gets everything after its cursor, in order, no gaps.
 */
import { nextSiemBatch, siemDelivered, siemFailed } from '../../core/audit/siem-feed.js';
import { loggableError } from '../../core/db/loggable-error.js';
import type { CoreDeps } from '../../core/deps.js';
import type { SiemConfig } from '../../core/outbox/config.js';
import type { SiemTransport } from './transports.js';

const BACKOFF_BASE_MS = 500;

export interface SiemSink {
  config: SiemConfig;
  transport: SiemTransport;
}

export class SiemStreamer {
  readonly #deps: CoreDeps;
  readonly #sinks: readonly SiemSink[];
  readonly #stop = new AbortController();
  readonly #loops: Promise<void>[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(deps: CoreDeps, sinks: readonly SiemSink[]) {
    this.#deps = deps;
    this.#sinks = sinks;
  }

  start(): void {
    if (this.#loops.length || this.#stop.signal.aborted) return;
    for (const s of this.#sinks) this.#loops.push(this.#loop(s));
  }

  /** Stops sending (a batch in flight is aborted and sent again later from the cursor) and waits. */
  async stop(): Promise<void> {
    this.#stop.abort();
    for (const t of this.#timers) clearTimeout(t);
    await Promise.all(this.#loops);
    for (const s of this.#sinks) s.transport.close();
  }

  /** Sends batches to every sink until each is caught up, backing off or leased elsewhere (tests). */
  async drain(): Promise<void> {
    await Promise.all(
      this.#sinks.map(async (s) => {
        let r = await this.#once(s);
        while (r === 'more') r = await this.#once(s);
      }),
    );
  }

  async #loop(s: SiemSink): Promise<void> {
    while (!this.#stop.signal.aborted) {
      let r: 'more' | 'idle';
      try {
        r = await this.#once(s);
      } catch (e) {
        this.#deps.log.error(
          { sink: s.config.name, err: loggableError(e) },
          'siem stream step failed; will retry',
        );
        r = 'idle';
      }
      if (r === 'idle') await this.#sleep(s.config.poll_interval_ms);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.#timers.delete(t);
        this.#stop.signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.#timers.add(t);
      this.#stop.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** One batch: 'more' when a full batch went out (more may be waiting), else 'idle'. */
  async #once(s: SiemSink): Promise<'more' | 'idle'> {
    const c = s.config;
    if (this.#stop.signal.aborted) return 'idle';
    const batch = await nextSiemBatch(this.#deps, c.name, c.batch_size, c.timeout_ms * 2 + 10_000);
    if (!batch || batch.rows.length === 0) return 'idle';
    const { cursor, rows } = batch;
    const res = await s.transport.send(rows, this.#stop.signal);
    if (res.ok) {
      await siemDelivered(this.#deps, c.name, cursor.last_id, rows.at(-1)!.id);
      return rows.length === c.batch_size ? 'more' : 'idle';
    }
    if (this.#stop.signal.aborted) return 'idle'; // the lease runs out; the cursor did not move
    const cap = Math.min(c.max_backoff_seconds * 1000, BACKOFF_BASE_MS * 2 ** Math.min(cursor.failures, 20));
    const delay = Math.max(1, res.retryAfterMs ?? 0, Math.random() * cap);
    await siemFailed(this.#deps, c.name, res.error, new Date(this.#deps.now().getTime() + delay));
    if (cursor.failures === 0)
      this.#deps.log.warn(
        { sink: c.name, error: res.error, after_id: cursor.last_id },
        'siem sink failing; retrying with backoff',
      );
    return 'idle';
  }
}
