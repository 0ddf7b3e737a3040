/**
 * The real HTTP app on a real core (test/helpers/app-stack.ts: a migrated test database, PGlite or
 * PostgreSQL when TEST_DATABASE_URL is set, the mock provider, the shipped Rego policies) with dev
 * tokens from the production verifier. Requests go through `app.request()`.
 */
import type { Driver } from '../../../src/core/db/client.js';
import { type Stack, type StackOptions, startStack } from '../../helpers/app-stack.js';
import { type CallOptions, type CallResult, callApp } from '../../helpers/http-call.js';
import { setTier } from '../../helpers/principals.js';
import { countTables } from '../../helpers/sql.js';

export type { CallOptions, CallResult };

export interface Counts {
  requests: number;
  approvals: number;
  audit_events: number;
  principals: number;
  policies: number;
}

export interface Harness extends Pick<Stack, 'app' | 'core' | 'config' | 'mock' | 'db' | 'close'> {
  token(email: string, groups?: string[]): Promise<string>;
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  /** Row counts of the tables a bad request must not touch. */
  counts(): Promise<Counts>;
  /** Sets a principal's trust tier directly in the database (test setup only). */
  setTier(identity: string, tier: number): Promise<void>;
}

export async function startHarness(driver: Driver, opts: StackOptions = {}): Promise<Harness> {
  const s = await startStack(driver, { devTokens: true, ...opts });
  return {
    ...s,
    token: s.humanToken,
    call: (method, path, o) => callApp(s.app, method, path, o),
    counts: () => countTables(s.db.db, ['requests', 'approvals', 'audit_events', 'principals', 'policies']),
    setTier: (identity, tier) => setTier(s.db.db, identity, tier),
  };
}
