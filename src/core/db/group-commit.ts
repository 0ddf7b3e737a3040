/**
 * Group commit for audit-bearing transactions. The audit chain is serialized by one lock held until
 * commit, so one transaction per state change caps a server at ~1/fsync changes per second. This
 * runner merges the transactions submitted while a batch is in flight into the next batch: one
 * database transaction in which the members run side by side, their audit events are queued and
 * appended together at the end (the chain lock is taken last: held only for that append and the one
 * commit the batch shares). A member's state change and its audit rows still commit or roll back
 * together, because they are in the same transaction.
 *
 * Isolation between members: a batch never holds two members with a common key (callers pass the
 * ids of the rows they lock), so members never see each other's uncommitted writes. A member that
 * fails before writing just drops its queued events; if one fails after writing, or the database
 * refuses anything, the whole batch rolls back and every member reruns alone in its own
 * transaction, so each caller gets exactly the outcome it would have had without batching.
 */
import type { AuditInput } from '../audit/append.js';
import { appendAuditMany, ChainTail } from '../audit/append-many.js';
import { AppError } from '../errors.js';
import type { Database, Driver, Transaction } from './client.js';
import { sqlState } from './tx.js';

interface Job {
  fn: (tx: Transaction) => Promise<unknown>;
  keys: readonly string[];
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

type Result =
  | { ok: true; value: unknown; events: AuditInput[] }
  | { ok: false; error: unknown; wrote: boolean };

const queues = new WeakMap<object, AuditInput[]>();

/**
 * Queues `e` to be appended when the transaction of `tx` commits; false when `tx` is not run by a
 * group commit (then the caller appends directly).
 */
export function queueAudit(tx: Transaction, e: AuditInput): boolean {
  const q = queues.get(tx);
  if (!q) return false;
  q.push(e);
  return true;
}

// `_` is how db/raw.ts reaches the session: counted as a write, since its statements may be.
const WRITES = new Set(['insert', 'update', 'delete', 'execute', 'transaction', '_']);
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

class Rollback extends Error {}

export interface GroupCommitOptions {
  /** On PostgreSQL members of a batch run concurrently (pipelined on its connection). */
  driver: Driver;
  /** Most transactions merged into one. */
  maxBatch: number;
  /**
   * Batches open at once (default: 2 on PostgreSQL, 1 on PGlite). With two, the next batch does its
   * members' work while the one before holds the chain lock and commits; the chain lock still orders
   * their audit appends. PGlite has one connection, so a second batch would only wait for it.
   */
  maxInFlight?: number;
}

export class GroupCommit {
  readonly #db: Database;
  readonly #opts: GroupCommitOptions;
  readonly #queue: Job[] = [];
  readonly #tail: ChainTail;
  readonly #maxInFlight: number;
  /** Keys of the batches in flight: a job sharing one waits for a later batch. */
  readonly #busyKeys = new Set<string>();
  #inFlight = 0;

  constructor(db: Database, opts: GroupCommitOptions) {
    this.#db = db;
    this.#opts = opts;
    this.#tail = new ChainTail(opts.driver === 'postgres');
    this.#maxInFlight = opts.driver === 'postgres' ? (opts.maxInFlight ?? 2) : 1;
  }

  /**
   * Runs `fn` as part of a transaction and resolves after the commit that made its writes durable.
   * `keys` name what `fn` locks (request ids); `fn` must only use the `tx` it is given and be safe to run again.
   */
  run<T>(fn: (tx: Transaction) => Promise<T>, keys: readonly string[] = []): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, keys, resolve: resolve as (v: unknown) => void, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch: Job[] = [];
      const taken = new Set<string>();
      for (let i = 0; i < this.#queue.length && batch.length < this.#opts.maxBatch; ) {
        const job = this.#queue[i]!;
        if (job.keys.some((k) => taken.has(k) || this.#busyKeys.has(k))) {
          i++; // waits for a later batch
          continue;
        }
        for (const k of job.keys) taken.add(k);
        batch.push(job);
        this.#queue.splice(i, 1);
      }
      if (batch.length === 0) return; // everything queued waits on keys in flight
      this.#inFlight++;
      for (const k of taken) this.#busyKeys.add(k);
      void this.#runBatch(batch).finally(() => {
        this.#inFlight--;
        for (const k of taken) this.#busyKeys.delete(k);
        this.#pump();
      });
    }
  }

  async #runBatch(jobs: Job[]): Promise<void> {
    let results: Result[] | undefined;
    try {
      results = await this.#attempt(jobs);
    } catch (e) {
      if (!(e instanceof Rollback) && jobs.length === 1) {
        jobs[0]!.reject(e);
        return;
      }
      // Something went wrong that batching may have caused or spread: everyone alone.
      await Promise.all(jobs.map((j) => this.#alone(j)));
      return;
    }
    jobs.forEach((j, i) => {
      const r = results![i]!;
      if (r.ok) j.resolve(r.value);
      else j.reject(r.error);
    });
  }

  /** One batch transaction, retried on serialization failures and deadlocks. */
  async #attempt(jobs: Job[]): Promise<Result[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction(async (tx) => {
          const run = (job: Job) => this.#member(tx, job);
          const results =
            this.#opts.driver === 'postgres' ? await Promise.all(jobs.map(run)) : await sequential(jobs, run);
          if (jobs.length === 1 && !results[0]!.ok) throw (results[0] as { error: unknown }).error;
          if (results.some((r) => !r.ok && (r.wrote || !(r.error instanceof AppError)))) throw new Rollback();
          await appendAuditMany(
            tx,
            results.flatMap((r) => (r.ok ? r.events : [])),
            this.#tail,
          );
          return results;
        });
      } catch (e) {
        const code = sqlState(e);
        if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));
      }
    }
  }

  async #member(tx: Transaction, job: Job): Promise<Result> {
    const events: AuditInput[] = [];
    let wrote = false;
    // Notes any write the member starts, so a failure after it poisons the batch.
    const view = new Proxy(tx, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && WRITES.has(prop)) wrote = true;
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    queues.set(view, events);
    try {
      return { ok: true, value: await job.fn(view), events };
    } catch (error) {
      return { ok: false, error, wrote };
    }
  }

  /** The job in a transaction of its own (fallback after a poisoned batch). */
  async #alone(job: Job): Promise<void> {
    try {
      const value = await this.#attempt([job]).then((r) => (r[0] as { value: unknown }).value);
      job.resolve(value);
    } catch (e) {
      job.reject(e);
    }
  }
}

async function sequential<T, R>(items: readonly T[], fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const t of items) out.push(await fn(t));
  return out;
}
