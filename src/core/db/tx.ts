import { is } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Executor, Transaction } from './client.js';

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 6;

/** The SQLSTATE of a driver or drizzle error (drizzle wraps it: the code is on `cause`). */
export function sqlState(e: unknown): string | undefined {
  for (let cur: any = e, depth = 0; cur && depth < 4; cur = cur.cause, depth++) {
    if (typeof cur.code === 'string' && /^[0-9A-Z]{5}$/.test(cur.code)) return cur.code;
  }
  return undefined;
}

/** Whether `exec` is already an open transaction. */
export function isTransaction(exec: Executor): exec is Transaction {
  return is(exec, PgTransaction);
}

/**
 * Runs `fn` in a transaction: reuses `exec` if it already is one (so verbs compose), otherwise opens
 * one and retries it on serialization failures and deadlocks. `fn` must use only the `tx` it is given
 * — on PGlite a query on the root db inside a transaction deadlocks.
 */
export async function withTx<T>(exec: Executor, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  if (isTransaction(exec)) return fn(exec);
  for (let attempt = 1; ; attempt++) {
    try {
      return await exec.transaction(fn);
    } catch (e) {
      const code = sqlState(e);
      if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));
    }
  }
}
