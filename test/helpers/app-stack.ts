/**
 * The real app on a real core, wired as jitsudod wires it: a migrated test database (see db.ts),
 * fresh server keys, the mock provider, verbs bound by httpVerbs, a core clock tests can move
 * forward, and by default the database policy store seeded from the shipped policies/. The suite
 * harnesses (test/http, test/mcp, test/security) build on it and add what their tests look at.
 */
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { Actor } from '../../src/core/actor.js';
import { agentTokenResolver } from '../../src/core/agents/authenticate.js';
import { type Config, parseConfig } from '../../src/core/config.js';
import { type Core, createCore } from '../../src/core/create-core.js';
import { deriveServerKeys, type ServerKeys } from '../../src/core/crypto/secrets.js';
import { bindAuditMacKey } from '../../src/core/db/audit-key.js';
import type { Driver } from '../../src/core/db/client.js';
import { createAuthenticator, mintDevToken } from '../../src/core/identity/index.js';
import { applyPolicy } from '../../src/core/policies/apply-policy.js';
import { createPolicyStore, type PolicyStore } from '../../src/core/policies/policy-store.js';
import type { PolicySet } from '../../src/core/policy/types.js';
import type { Provider } from '../../src/core/providers/types.js';
import { type AppOptions, createApp } from '../../src/http/app.js';
import type { HttpVerbs } from '../../src/http/core-port.js';
import { MockProvider } from '../../src/providers/mock/index.js';
import { httpVerbs } from '../../src/server/verbs.js';
import { createTestDb, type TestDb } from './db.js';
import { queryRows } from './sql.js';

export const ADMIN: Actor = {
  identity: 'root@example.com',
  kind: 'human',
  groups: ['jitsudo-admins'],
  scopes: ['requester', 'admin'],
  isAdmin: true,
};

/**
 * The admin that registers the stack's agent `name`: whoever registers an agent controls it and
 * may not decide its requests, nor may agents sharing a controller decide each other's (ADR 0034).
 * Tests decide as ADMIN and pit the stack's agents against each other, so each gets its own.
 */
export const registrar = (name: string): Actor => ({ ...ADMIN, identity: `registrar-${name}@example.com` });

export interface StackOptions {
  /** Merged over the test defaults (a home that does not exist, sweeper off). */
  config?: Record<string, unknown>;
  /** Providers besides `mock`. */
  providers?: Provider[];
  /** Rego modules applied by ADMIN on top of the shipped policies in the store. */
  policies?: { name: string; rego: string }[];
  /** A fixed policy set instead of the database-backed store. */
  policySet?: PolicySet;
  log?: Logger;
  verbs?: Partial<HttpVerbs>;
  /** Accept agent tokens (default: dev tokens of people only). */
  agentTokens?: boolean;
  /** Mount POST /auth/dev-token (and with it the loopback Host guard). */
  devTokens?: boolean;
  mcp?: AppOptions['mcp'];
}

export interface Stack {
  app: ReturnType<typeof createApp>;
  core: Core;
  config: Readonly<Config>;
  keys: ServerKeys;
  mock: MockProvider;
  db: TestDb;
  /** The policy store, unless a fixed `policySet` was given. */
  store?: PolicyStore;
  /** Moves the core clock forward. */
  advance(ms: number): void;
  rows(q: string): Promise<Record<string, unknown>[]>;
  /** A dev token of a person. */
  humanToken(email: string, groups?: string[]): Promise<string>;
  /** A real agent (registered by its own admin, `registrar(name)`) and its token. */
  agent(name: string, owner: string, scopes?: string[]): Promise<{ token: string; id: string; actor: Actor }>;
  close(): Promise<void>;
}

export async function startStack(driver: Driver, opts: StackOptions = {}): Promise<Stack> {
  const config = parseConfig({
    home: '/nonexistent-jitsudo-home',
    sweeper: { enabled: false },
    ...opts.config,
  });
  const db = await createTestDb(driver);
  const keys = deriveServerKeys(randomBytes(32));
  // As jitsudod does: the policy store seeds audit rows before createCore, MACed with these keys.
  bindAuditMacKey(db.db, keys.auditMacKeys[0]!);
  const mock = new MockProvider();
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const store = opts.policySet ? undefined : await createPolicyStore({ db: db.db, config, now });
  for (const p of opts.policies ?? [])
    await applyPolicy({ db: db.db, config, policies: store!, now }, ADMIN, p);
  const log = opts.log ?? pino({ level: 'silent' });
  const core = await createCore({
    config,
    db,
    keys,
    providers: [mock, ...(opts.providers ?? [])],
    policies: opts.policySet ?? store!,
    log,
    now,
  });
  const identity = { config, keys };
  const app = createApp({
    verbs: httpVerbs(core, opts.verbs),
    authenticator: createAuthenticator({
      ...identity,
      ...(opts.agentTokens ? { agents: agentTokenResolver(core.deps) } : {}),
    }),
    log,
    devTokens: opts.devTokens ? identity : undefined,
    ready: async () => {
      await db.db.execute('select 1');
    },
    ...(opts.mcp !== undefined ? { mcp: opts.mcp } : {}),
  });
  return {
    app,
    core,
    config,
    keys,
    mock,
    db,
    store,
    advance(ms) {
      offset += ms;
    },
    rows: (q) => queryRows(db.db, q),
    humanToken: async (email, groups = []) =>
      (await mintDevToken(keys, { email, groups, kind: 'human', ttl: 3600 })).token,
    async agent(name, owner, scopes = ['requester']) {
      const { token, agent } = await core.createAgent(registrar(name), { name, owner, scopes });
      const actor: Actor = {
        identity: agent.identity,
        kind: 'agent',
        groups: [],
        agent: { id: agent.id, name: agent.name, owner: agent.owner, createdBy: agent.created_by },
        scopes: agent.scopes,
        isAdmin: false,
      };
      return { token, id: agent.id, actor };
    },
    async close() {
      store?.stop();
      await core.close();
      await db.close();
    },
  };
}
