/**
 * Remembers bearer tokens this server has already verified, until they expire. Dev tokens are
 * HS256-signed, stateless and unrevocable short of rotating the key, so a token that verified once
 * verifies again until its `exp`: re-running the signature check on every call (an async WebCrypto
 * job, ~5 % of the server's CPU per request in bench/requests.ts) buys nothing. Agent tokens never
 * come here: they are looked up on every call so that revoking an agent takes effect at once.
 * Bounded, oldest entry evicted first; a hit hands out a fresh copy of the Actor.
 */
import type { Actor } from '../actor.js';

interface Entry {
  actor: Actor;
  /** `exp` claim, seconds since the epoch: valid while the current second is below it (as jose checks). */
  exp: number;
}

export class VerifiedTokenCache {
  readonly #max: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(max = 10_000, now: () => number = Date.now) {
    this.#max = max;
    this.#now = now;
  }

  /** The actor of a verified, unexpired token, or undefined (then verify it and `remember`). */
  get(token: string): Actor | undefined {
    const e = this.#entries.get(token);
    if (!e) return undefined;
    if (Math.floor(this.#now() / 1000) >= e.exp) {
      this.#entries.delete(token);
      return undefined;
    }
    return { ...e.actor, groups: [...e.actor.groups], scopes: [...e.actor.scopes] };
  }

  /** Records a token that just verified, with its `exp` claim. */
  remember(token: string, actor: Actor, exp: number): void {
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(token, {
      actor: { ...actor, groups: [...actor.groups], scopes: [...actor.scopes] },
      exp,
    });
  }

  get size(): number {
    return this.#entries.size;
  }
}
