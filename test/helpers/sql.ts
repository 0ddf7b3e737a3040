/** Raw SQL for assertions: tests look at the tables directly rather than through the code under test. */
import { sql } from 'drizzle-orm';
import { type Executor, sqlRows } from '../../src/core/db/client.js';

/** The rows of a raw SQL string, whichever driver answered. */
export const queryRows = (db: Executor, q: string): Promise<Record<string, unknown>[]> =>
  sqlRows(db, sql.raw(q));

/** Row counts of `tables` (what a refused call must leave unchanged). */
export async function countTables<T extends string>(
  db: Executor,
  tables: readonly T[],
): Promise<Record<T, number>> {
  const out = {} as Record<T, number>;
  for (const t of tables) out[t] = Number((await queryRows(db, `select count(*) as n from ${t}`))[0]!.n);
  return out;
}
