/**
 * The bound on refusals audited for senders jitsudo cannot identify (ADR 0056): per process and per
 * reason, at most `perWindow` rows in each `windowMs`; the refusals beyond are counted, and the
 * next row written for that reason carries the count, so the trail shows every refusal (as rows or
 * as a count) while an unauthenticated flood adds at most reasons × perWindow rows per window.
 */

export interface RefusalLimits {
  /** Rows per reason per window (default 5). */
  perWindow: number;
  /** Window length in ms (default 60 s). */
  windowMs: number;
}

export const DEFAULT_REFUSAL_LIMITS: RefusalLimits = { perWindow: 5, windowMs: 60_000 };

/** Admission of one refusal: write a row carrying `suppressed` earlier ones, or only count it. */
export type RefusalAdmission = { write: true; suppressed: number } | { write: false };

interface Bucket {
  windowStart: number;
  written: number;
  suppressed: number;
}

export class RefusalLimiter {
  readonly limits: RefusalLimits;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limits: Partial<RefusalLimits> = {}) {
    this.limits = { ...DEFAULT_REFUSAL_LIMITS, ...limits };
  }

  /** Decides for a refusal of `reason` at `nowMs`. Synchronous, so concurrent refusals count exactly. */
  admit(reason: string, nowMs: number): RefusalAdmission {
    let b = this.#buckets.get(reason);
    // A clock that moved back starts a new window too, rather than suppressing until it catches up.
    if (!b || nowMs - b.windowStart >= this.limits.windowMs || nowMs < b.windowStart) {
      b = { windowStart: nowMs, written: 0, suppressed: b?.suppressed ?? 0 };
      this.#buckets.set(reason, b);
    }
    if (b.written >= this.limits.perWindow) {
      b.suppressed++;
      return { write: false };
    }
    b.written++;
    const suppressed = b.suppressed;
    b.suppressed = 0;
    return { write: true, suppressed };
  }

  /** Gives a count back when its row could not be written (the next row carries it). */
  restore(reason: string, suppressed: number): void {
    const b = this.#buckets.get(reason);
    if (b) b.suppressed += suppressed;
  }
}
