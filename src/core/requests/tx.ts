/** How lifecycle verbs open transactions and write audit rows (through group commit when available). */
import type { Actor } from '../actor.js';
import { type AuditInput, type AuditOutcome, appendAudit } from '../audit/append.js';
import type { Transaction } from '../db/client.js';
import { queueAudit } from '../db/group-commit.js';
import { withTx } from '../db/tx.js';
import type { CoreDeps } from '../deps.js';

/**
 * Runs `fn` in a transaction; `keys` are the request ids (or job names) it locks, so that group
 * commit never merges two transactions touching the same rows. `fn` must only use `tx`, be safe to
 * run again (retries), and never call `transact` itself (it would wait for its own batch).
 */
export function transact<T>(
  deps: CoreDeps,
  fn: (tx: Transaction) => Promise<T>,
  keys: readonly string[] = [],
): Promise<T> {
  return deps.transact ? deps.transact(fn, keys) : withTx(deps.db, fn);
}

/** Records an audit event in `tx`: it commits or rolls back with the state change it describes. */
export async function audit(tx: Transaction, e: AuditInput): Promise<void> {
  if (!queueAudit(tx, e)) await appendAudit(tx, e);
}

/** The audit fields naming who acted: the actor, its kind and, for an agent, the owner it acts for. */
export const actedBy = (actor: Actor) => ({
  actor: actor.identity,
  actorKind: actor.kind,
  onBehalfOf: actor.agent?.owner,
});

/** Records `actor`'s `action` on request `row` (its id, provider and scope) in `tx`. */
export function auditRequest(
  tx: Transaction,
  actor: Actor,
  row: { id: string; provider: string; resourceScope: string },
  e: { action: string; outcome: AuditOutcome; details?: Record<string, unknown> },
): Promise<void> {
  return audit(tx, {
    ...actedBy(actor),
    requestId: row.id,
    provider: row.provider,
    resourceScope: row.resourceScope,
    ...e,
  });
}
