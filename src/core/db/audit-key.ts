/**
 * Which row-MAC key appends to a database's audit chain. Every audit append needs the server key,
 * yet appends happen deep inside verbs that get only a transaction (`appendAudit(tx, e)`), so the
 * key is bound once to the database handle (createCore and jitsudod do it) and found again from any
 * transaction opened on it: drizzle gives a database and all of its transactions, nested ones
 * included, the same dialect object, which keys the binding. An append on a handle nobody bound fails
 * — a row without a MAC must not be writable by the server itself.
 */
import type { AuditMacKey } from '../audit/row-mac.js';
import { macPrefix } from '../audit/row-mac.js';
import { AppError } from '../errors.js';
import type { Database, Executor } from './client.js';

export interface BoundMacKey {
  id: string;
  /** `macPrefix(key)`, computed once. */
  prefix: string;
}

const bound = new WeakMap<object, BoundMacKey>();

function dialectOf(exec: Executor): object {
  return (exec as unknown as { dialect: object }).dialect;
}

/** Binds the key that MACs every audit row appended through `db` (or its transactions); last call wins. */
export function bindAuditMacKey(db: Database, key: AuditMacKey): void {
  bound.set(dialectOf(db), { id: key.id, prefix: macPrefix(key) });
}

/** The key bound to the database `exec` belongs to; throws INTERNAL when none is. */
export function auditMacKeyOf(exec: Executor): BoundMacKey {
  const k = bound.get(dialectOf(exec));
  if (!k) throw new AppError('INTERNAL', 'no audit key is bound to this database (bindAuditMacKey)');
  return k;
}
