/**
 * The composition root of core: config → database (opened and migrated unless given) → keys →
 * policies → providers → every verb bound to the same deps, plus the background pieces (the
 * sweeper) to start and stop. Used by jitsudod, by tests and by embedders.
 */
import pino, { type Logger } from 'pino';
import type { Actor } from './actor.js';
import { createAgent } from './agents/create.js';
import { discloseCredentials } from './agents/disclose-credentials.js';
import { listAgents } from './agents/list.js';
import { revokeAgent } from './agents/revoke.js';
import { checkpointAudit } from './audit/checkpoint.js';
import { exportAudit } from './audit/export.js';
import { queryAudit } from './audit/query.js';
import { verifyAudit } from './audit/verify.js';
import type { Config } from './config.js';
import { loadOrCreateKeys, type ServerKeys } from './crypto/secrets.js';
import { bindAuditMacKey } from './db/audit-key.js';
import { type Database, type Driver, migrate, openDatabase } from './db/client.js';
import { GroupCommit } from './db/group-commit.js';
import type { CoreDeps, PolicyHolder } from './deps.js';
import { listEligibleAccess } from './eligible/list-eligible-access.js';
import { type CoreObserver, observedPolicies, observedProviders } from './metrics/observer.js';
import {
  applyPolicy,
  createPolicyStore,
  deletePolicy,
  evalPolicy,
  getPolicy,
  listPolicies,
  reloadPolicies,
} from './policies/index.js';
import type { PolicySet } from './policy/types.js';
import { getPrincipal, listPrincipals, setTrustTier } from './principals/index.js';
import { noteSeen, Sightings } from './principals/note-seen.js';
import { ProviderRegistry } from './providers/registry.js';
import type { Provider } from './providers/types.js';
import { approveRequest } from './requests/approve.js';
import { cancelRequest } from './requests/cancel.js';
import { createRequest } from './requests/create.js';
import { denyRequest } from './requests/deny.js';
import { escalateRequest } from './requests/escalate.js';
import { extendRequest } from './requests/extend.js';
import { getRequest } from './requests/get.js';
import { getCredentials } from './requests/get-credentials.js';
import { listRequests } from './requests/list.js';
import { revokeRequest } from './requests/revoke.js';
import { reviewBreakGlass } from './step-up/review-break-glass.js';

/** Something that runs beside the verbs (the sweeper); built from the deps by a factory. */
export interface Background {
  start(): void;
  stop(): Promise<void>;
}

export interface CreateCoreOptions {
  config: Readonly<Config>;
  /** An open database; when absent core opens the configured one, migrates it and closes it on close(). */
  db?: { db: Database; driver: Driver; close?(): Promise<void> };
  /** Run migrations on a database passed in (default: only on one core opened itself). */
  migrate?: boolean;
  providers?: ProviderRegistry | readonly Provider[];
  /** The live policies; absent → the database policy store (seeded from policy.dir), reloaded in the background. */
  policies?: PolicyHolder | PolicySet;
  keys?: ServerKeys;
  now?: () => Date;
  log?: Logger;
  /** Merge concurrent transactions into shared commits (default true; see db/group-commit.ts). */
  groupCommit?: boolean;
  /** Told of policy evaluations and provider calls (metrics, ADR 0053). */
  observer?: CoreObserver;
  /** Background factories, e.g. `sweeperBackground()` from src/sweeper. Started by start(). */
  background?: ReadonlyArray<(deps: CoreDeps) => Background>;
}

type VerbFn<I, R> = (deps: CoreDeps, actor: Actor, input: I) => Promise<R>;

/** Verbs that are a principal's own activity: success updates its "last seen" (principals/note-seen.ts). */
const ACTIVITY = new Set([
  'createRequest',
  'approveRequest',
  'denyRequest',
  'escalateRequest',
  'cancelRequest',
  'revokeRequest',
  'extendRequest',
  'getCredentials',
  'discloseCredentials',
]);
type Bound<F> = F extends VerbFn<infer I, infer R> ? (actor: Actor, input?: I) => Promise<R> : never;

const VERBS = {
  createRequest,
  getRequest,
  listRequests,
  approveRequest,
  denyRequest,
  cancelRequest,
  revokeRequest,
  extendRequest,
  reviewBreakGlass,
  getCredentials,
  escalateRequest,
  listEligibleAccess,
  discloseCredentials,
  createAgent,
  listAgents,
  revokeAgent,
  applyPolicy,
  deletePolicy,
  listPolicies,
  getPolicy,
  evalPolicy,
  reloadPolicies,
  queryAudit,
  verifyAudit,
  checkpointAudit: (deps: CoreDeps, actor: Actor, _input: unknown) => checkpointAudit(deps, actor),
  getPrincipal,
  listPrincipals,
  setTrustTier,
};
type Verbs = { [K in keyof typeof VERBS]: Bound<(typeof VERBS)[K]> };

export type Core = Verbs & {
  deps: CoreDeps;
  /** The whole audit log as JSON Lines (admins and auditors). */
  exportAudit(actor: Actor): AsyncGenerator<string>;
  /** Starts the background pieces (idempotent). */
  start(): void;
  /** Stops the background pieces, waiting for work in flight. */
  stop(): Promise<void>;
  /** stop(), then closes the database if core opened it. Idempotent. */
  close(): Promise<void>;
};

function holderOf(p: PolicyHolder | PolicySet): PolicyHolder {
  if ('current' in p) return p;
  return { current: () => p, reload: async () => 0 };
}

/** Builds a core; invariant: every verb of the result shares one deps (one db, one clock, one registry). */
export async function createCore(opts: CreateCoreOptions): Promise<Core> {
  const { config } = opts;
  const log = opts.log ?? pino({ level: config.log.level, base: { service: 'jitsudod' } });
  const opened = opts.db ?? (await openDatabase(config));
  const ownsDb = opts.db === undefined;
  try {
    if (ownsDb || opts.migrate) await migrate(opened.db);
  } catch (e) {
    if (ownsDb) await opened.close?.();
    throw e;
  }
  const registry =
    opts.providers instanceof ProviderRegistry ? opts.providers : new ProviderRegistry(opts.providers ?? []);
  const providers = opts.observer ? observedProviders(registry, opts.observer) : registry;
  const now = opts.now ?? (() => new Date());
  const keys = opts.keys ?? loadOrCreateKeys(config);
  // Before anything appends (the policy store seeds with audit rows): every row gets the server MAC.
  bindAuditMacKey(opened.db, keys.auditMacKeys[0]!);
  let store: Awaited<ReturnType<typeof createPolicyStore>> | undefined;
  if (!opts.policies) {
    try {
      store = await createPolicyStore({ db: opened.db, config, log, now });
    } catch (e) {
      if (ownsDb) await opened.close?.();
      throw e;
    }
  }
  const holder = store ?? holderOf(opts.policies!);
  const deps: CoreDeps = {
    db: opened.db,
    driver: opened.driver,
    config,
    keys,
    policies: opts.observer ? observedPolicies(holder, opts.observer) : holder,
    providers,
    now,
    log,
  };
  if (opts.groupCommit !== false) {
    const gc = new GroupCommit(opened.db, { driver: opened.driver, maxBatch: 64 });
    deps.transact = (fn, keys) => gc.run(fn, keys);
  }
  const seen = { db: deps.db, now, log, sightings: new Sightings() };
  const verbs = Object.fromEntries(
    Object.entries(VERBS).map(([name, fn]) => {
      const verb = fn as VerbFn<unknown, unknown>;
      if (!ACTIVITY.has(name))
        return [name, (actor: Actor, input?: unknown) => verb(deps, actor, input ?? {})];
      return [
        name,
        async (actor: Actor, input?: unknown) => {
          const out = await verb(deps, actor, input ?? {});
          await noteSeen(seen, actor);
          return out;
        },
      ];
    }),
  ) as Verbs;
  const background = (opts.background ?? []).map((make) => make(deps));
  // A store core created follows other replicas' policy changes while core runs.
  if (store) {
    const s = store;
    background.push({ start: () => s.start(), stop: async () => s.stop() });
  }
  let started = false;
  let closed = false;
  const stop = async () => {
    if (!started) return;
    started = false;
    await Promise.all(background.map((b) => b.stop()));
  };
  return {
    ...verbs,
    deps,
    exportAudit: (actor: Actor) => exportAudit(deps, actor),
    start() {
      if (started || closed) return;
      started = true;
      for (const b of background) b.start();
    },
    stop,
    async close() {
      if (closed) return;
      await stop();
      closed = true;
      if (ownsDb) await opened.close?.();
    },
  };
}
