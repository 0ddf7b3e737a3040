/**
 * Slack request signing (ADR 0048): `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{ts}:{raw
 * body}">` with the app's signing secret, `X-Slack-Request-Timestamp` within five minutes of now,
 * and each signature accepted once within that window (a captured click cannot be replayed).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SLACK_TOLERANCE_SECONDS = 300;

/** Why a signed request was refused, or null when it is genuine and fresh. */
export function slackSignatureProblem(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  rawBody: string,
  nowSeconds: number,
): 'missing' | 'stale' | 'bad_signature' | null {
  if (!timestamp || !signature) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp)) return 'stale';
  if (Math.abs(nowSeconds - Number(timestamp)) > SLACK_TOLERANCE_SECONDS) return 'stale';
  const m = /^v0=([0-9a-f]{64})$/.exec(signature);
  if (!m) return 'bad_signature';
  const want = createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest();
  return timingSafeEqual(want, Buffer.from(m[1]!, 'hex')) ? null : 'bad_signature';
}

/**
 * Keys (signatures, trigger ids) seen within the tolerance window. In memory, per process: a
 * replay sent to another replica within the window is not caught here, but the core verb it would
 * run refuses a second decision by the same person (ADR 0048).
 */
export class ReplayGuard {
  readonly #seen = new Map<string, number>();
  readonly #max: number;

  constructor(max = 100_000) {
    this.#max = max;
  }

  /** True the first time `key` is offered within the window; false for a replay (or when full). */
  firstSeen(key: string, nowSeconds: number): boolean {
    this.#forget(nowSeconds);
    if (this.#seen.has(key)) return false;
    // Full of fresh keys: refuse rather than forget one that could then be replayed.
    if (this.#seen.size >= this.#max) return false;
    this.#seen.set(key, nowSeconds + 2 * SLACK_TOLERANCE_SECONDS);
    return true;
  }

  #forget(now: number): void {
    // Insertion order is expiry order (same lifetime for every key).
    for (const [k, until] of this.#seen) {
      if (until > now) break;
      this.#seen.delete(k);
    }
  }
}
