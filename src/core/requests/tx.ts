/** How lifecycle verbs open transactions and write audit rows (through group commit when available). */
import { type AuditInput, appendAudit } from '../audit/append.js';
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
