import type { Sql } from 'postgres';
import { ProviderError } from '../../core/providers/types.js';

/** Live sessions logged in as `role` (other than ours). */
export async function sessionCount(sql: Sql, role: string): Promise<number> {
  const [r] = await sql<
    { n: number }[]
  >`select count(*)::int as n from pg_stat_activity where usename = ${role} and pid <> pg_backend_pid()`;
  return r!.n;
}

/**
 * Terminates every session of `role` and waits until they are gone: pg_terminate_backend only
 * signals. Throws a retryable error if some survive `waitMs` (nothing is reported cut that is not).
 */
export async function terminateSessions(
  sql: Sql,
  role: string,
  waitMs: number,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where usename = ${role} and pid <> pg_backend_pid()`;
    const left = await sessionCount(sql, role);
    if (left === 0) return;
    if (Date.now() > deadline)
      throw new ProviderError(
        'postgres',
        `${left} session(s) of ${role} are still open after termination; will retry`,
        true,
      );
    await sleep(50);
  }
}
