/**
 * jitsudod as start-server wires it — createCore with the sweeper and the outbox worker running in
 * the background, the app from coreApp (API, /mcp, /slack/interactions), served on a real socket —
 * on a migrated test database, with the shipped policies and a core clock (deps.now) that tests move
 * forward instead of sleeping: the sweeper's and the outbox's due-queries all take deps.now.
 */
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { Actor } from '../../src/core/actor.js';
import { parseConfig } from '../../src/core/config.js';
import { type Core, createCore } from '../../src/core/create-core.js';
import { deriveServerKeys } from '../../src/core/crypto/secrets.js';
import { bindAuditMacKey } from '../../src/core/db/audit-key.js';
import type { Driver } from '../../src/core/db/client.js';
import { mintDevToken } from '../../src/core/identity/index.js';
import { createPolicyStore } from '../../src/core/policies/policy-store.js';
import { notifyBackground } from '../../src/notify/index.js';
import { MockProvider } from '../../src/providers/mock/index.js';
import { coreApp } from '../../src/server/core-app.js';
import { sweeperBackground } from '../../src/sweeper/index.js';
import { registrar } from './app-stack.js';
import { createTestDb, type TestDb } from './db.js';
import { type Served, serveApp } from './real-http.js';
import { queryRows } from './sql.js';

export interface Jitsudod {
  url: string;
  core: Core;
  db: TestDb;
  mock: MockProvider;
  /** The core clock (what every verb, the sweeper and the outbox worker read). */
  now(): Date;
  /** Moves the core clock forward. */
  advance(ms: number): void;
  rows(q: string): Promise<Record<string, unknown>[]>;
  humanToken(email: string, groups?: string[]): Promise<string>;
  /** A registered agent (by `registrar(name)`) and its token. */
  agent(name: string, owner: string): Promise<{ token: string; actor: Actor }>;
  close(): Promise<void>;
}

/** Starts jitsudod on `driver` with `config` merged over dev-mode test defaults (sweeper on, 100 ms). */
export async function startJitsudod(
  driver: Driver,
  config: Record<string, unknown>,
  log: Logger = pino({ level: 'silent' }),
): Promise<Jitsudod> {
  const cfg = parseConfig({
    home: '/nonexistent-jitsudo-home',
    mode: 'dev',
    auth: { mode: 'dev' },
    sweeper: { enabled: true, interval_ms: 100 },
    ...config,
  });
  const db = await createTestDb(driver);
  const keys = deriveServerKeys(randomBytes(32));
  bindAuditMacKey(db.db, keys.auditMacKeys[0]!);
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const mock = new MockProvider({ now });
  const policies = await createPolicyStore({ db: db.db, config: cfg, now });
  const core = await createCore({
    config: cfg,
    db,
    keys,
    providers: [mock],
    policies,
    log,
    now,
    background: [sweeperBackground(), notifyBackground()],
  });
  let served: Served;
  try {
    served = await serveApp(coreApp(core, log));
  } catch (e) {
    await core.close();
    await db.close();
    throw e;
  }
  core.start();
  return {
    url: served.url,
    core,
    db,
    mock,
    now,
    advance(ms) {
      offset += ms;
    },
    rows: (q) => queryRows(db.db, q),
    humanToken: async (email, groups = []) =>
      (await mintDevToken(keys, { email, groups, kind: 'human', ttl: 3600 })).token,
    async agent(name, owner) {
      const { token, agent } = await core.createAgent(registrar(name), {
        name,
        owner,
        scopes: ['requester'],
      });
      const actor: Actor = {
        identity: agent.identity,
        kind: 'agent',
        groups: [],
        agent: { id: agent.id, name: agent.name, owner: agent.owner, createdBy: agent.created_by },
        scopes: agent.scopes,
        isAdmin: false,
      };
      return { token, actor };
    },
    async close() {
      await served.close();
      policies.stop();
      await core.close();
      await db.close();
    },
  };
}
