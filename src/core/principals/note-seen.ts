/**
 * Keeps principals' "last seen" current without a write per call: after a verb that is activity by
 * a principal succeeds (asking for access, deciding, using credentials), the principal is touched —
 * at most once a minute per identity from this process (an in-memory check), and the database
 * statement itself skips rows seen in the last minute (other replicas). Refused calls record
 * nothing: bad input changes nothing. A failure to record is logged, never the caller's problem.
 */
import type { Logger } from 'pino';
import type { Actor } from '../actor.js';
import type { Executor } from '../db/client.js';
import { loggableError } from '../db/loggable-error.js';
import { touchPrincipal } from './touch-principal.js';

export const SEEN_INTERVAL_MS = 60_000;

/** Which identities this process recorded, and when (bounded: oldest forgotten first). */
export class Sightings {
  readonly #last = new Map<string, number>();
  readonly #max: number;

  constructor(max = 100_000) {
    this.#max = max;
  }

  /** Whether `identity` is due a write at `nowMs`; marks it recorded if so. */
  due(identity: string, nowMs: number): boolean {
    const last = this.#last.get(identity);
    if (last !== undefined && nowMs - last < SEEN_INTERVAL_MS && nowMs >= last) return false;
    this.#last.delete(identity);
    if (this.#last.size >= this.#max) this.#last.delete(this.#last.keys().next().value!);
    this.#last.set(identity, nowMs);
    return true;
  }
}

/** Records that `actor` was active (see above). */
export async function noteSeen(
  deps: { db: Executor; now: () => Date; log: Logger; sightings: Sightings },
  actor: Pick<Actor, 'identity' | 'kind' | 'agent'> & Partial<Pick<Actor, 'groups'>>,
): Promise<void> {
  if (actor.kind === 'system') return;
  const now = deps.now();
  if (!deps.sightings.due(actor.identity, now.getTime())) return;
  try {
    await touchPrincipal({ db: deps.db, now: () => now }, actor);
  } catch (e) {
    deps.log.warn({ identity: actor.identity, err: loggableError(e) }, 'could not record last seen');
  }
}
