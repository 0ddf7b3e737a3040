/**
 * Everything a core verb needs, passed explicitly: `verb(deps, actor, input)`. Built once by
 * `createCore`; tests build their own with a test database and a mock provider.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { ServerKeys } from './crypto/secrets.js';
import type { Database, Driver, Transaction } from './db/client.js';
import type { ClaimLedger } from './leases.js';
import type { PolicySet } from './policy/types.js';
import type { ProviderRegistry } from './providers/registry.js';

/** The live policy set; `reload()` swaps in a freshly loaded one and returns how many modules it has. */
export interface PolicyHolder {
  current(): PolicySet;
  reload(): Promise<number>;
}

export interface CoreDeps {
  db: Database;
  /** Which driver `db` runs on (PGlite has one connection: concurrency there is serialized). */
  driver: Driver;
  config: Readonly<Config>;
  keys: ServerKeys;
  policies: PolicyHolder;
  providers: ProviderRegistry;
  /** The clock every decision uses (tests move it). */
  now(): Date;
  log: Logger;
  /**
   * Runs an audit-bearing transaction, possibly merged with concurrent ones into one commit
   * (db/group-commit.ts); `keys` name the rows it locks. Absent: a plain transaction per call.
   */
  transact?: <T>(fn: (tx: Transaction) => Promise<T>, keys?: readonly string[]) => Promise<T>;
  /** Notes the sweeper's claims so a stopping process can hand back what it did not finish (leases.ts). */
  claims?: ClaimLedger;
}
