/**
 * Per-principal caps on tool calls in flight. Each wait_for_request holds a slot (and polls the
 * database) for up to minutes, so without a cap one token could hold thousands and slow the server
 * for everyone. The counters live in this process: with N replicas the cap is per replica
 * (docs/adr/0036-mcp-http-hardening.md).
 */
import { MCP_DEFAULT_MAX_CALLS, MCP_DEFAULT_MAX_WAITS } from '../core/config.js';
import { AppError } from '../core/errors.js';

export interface McpLimits {
  /** wait_for_request calls one principal may have in flight. */
  maxConcurrentWaits: number;
  /** Tool calls (waits included) one principal may have in flight. */
  maxConcurrentCalls: number;
}

export const DEFAULT_LIMITS: McpLimits = {
  maxConcurrentWaits: MCP_DEFAULT_MAX_WAITS,
  maxConcurrentCalls: MCP_DEFAULT_MAX_CALLS,
};

/**
 * When to try again: any call but a wait returns within milliseconds, so a slot frees quickly; a
 * wait holds its slot until the request moves or its timeout passes.
 */
const RETRY_AFTER_SECONDS = { calls: 1, waits: 5 } as const;

/** Counts in flight per key; a key at zero is dropped, so idle principals cost no memory. */
class InFlight {
  readonly #counts = new Map<string, number>();
  constructor(readonly max: number) {}

  tryTake(key: string): boolean {
    const n = this.#counts.get(key) ?? 0;
    if (n >= this.max) return false;
    this.#counts.set(key, n + 1);
    return true;
  }

  give(key: string): void {
    const n = (this.#counts.get(key) ?? 1) - 1;
    if (n <= 0) this.#counts.delete(key);
    else this.#counts.set(key, n);
  }
}

export interface CallLimiter {
  /**
   * Takes a call slot (and a wait slot when `wait`) for `principal`; returns the release function.
   * Throws RATE_LIMITED (retryable, with retry_after_seconds) when the principal is at a cap.
   */
  acquire(principal: string, wait: boolean): () => void;
}

function overCap(what: 'calls' | 'waits', max: number): AppError {
  const limit = what === 'waits' ? 'concurrent wait_for_request calls' : 'concurrent tool calls';
  return new AppError('RATE_LIMITED', `too many ${limit} in flight for this identity (maximum ${max})`, {
    retryable: true,
    details: {
      limit,
      maximum: max,
      concurrent: true,
      retry_after_seconds: RETRY_AFTER_SECONDS[what],
    },
  });
}

/** One limiter per app: every per-request MCP server of that app shares its counters. */
export function createCallLimiter(limits: McpLimits = DEFAULT_LIMITS): CallLimiter {
  const calls = new InFlight(limits.maxConcurrentCalls);
  const waits = new InFlight(limits.maxConcurrentWaits);
  return {
    acquire(principal, wait) {
      if (!calls.tryTake(principal)) throw overCap('calls', calls.max);
      if (wait && !waits.tryTake(principal)) {
        calls.give(principal);
        throw overCap('waits', waits.max);
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        calls.give(principal);
        if (wait) waits.give(principal);
      };
    },
  };
}
