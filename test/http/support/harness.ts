/**
 * The real HTTP app on a real core: a migrated test database (PGlite, or PostgreSQL when
 * TEST_DATABASE_URL is set), the mock provider, the default Rego policies from policies/, and dev
 * tokens from the production verifier. Requests go through `app.request()`.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { Config } from '../../../src/core/config.js';
import { parseConfig } from '../../../src/core/config.js';
import { type Core, createCore } from '../../../src/core/create-core.js';
import { deriveServerKeys } from '../../../src/core/crypto/secrets.js';
import type { Driver } from '../../../src/core/db/client.js';
import { createAuthenticator, mintDevToken } from '../../../src/core/identity/index.js';
import { createPolicyStore } from '../../../src/core/policies/index.js';
import { createApp } from '../../../src/http/app.js';
import type { HttpVerbs } from '../../../src/http/core-port.js';
import { MockProvider } from '../../../src/providers/mock/index.js';
import { httpVerbs } from '../../../src/server/verbs.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';

export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface Counts {
  requests: number;
  approvals: number;
  audit_events: number;
  principals: number;
  policies: number;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent verbatim (bad JSON, huge bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

export interface Harness {
  app: ReturnType<typeof createApp>;
  core: Core;
  config: Readonly<Config>;
  mock: MockProvider;
  db: TestDb;
  token(email: string, groups?: string[]): Promise<string>;
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  /** Row counts of the tables a bad request must not touch. */
  counts(): Promise<Counts>;
  /** Sets a principal's trust tier directly in the database (test setup only). */
  setTier(identity: string, tier: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  driver: Driver,
  opts: { config?: Record<string, unknown>; verbs?: Partial<HttpVerbs>; dev?: boolean } = {},
): Promise<Harness> {
  const config = parseConfig({
    home: '/nonexistent-jitsudo-home',
    sweeper: { enabled: false },
    ...opts.config,
  });
  const db = await createTestDb(driver);
  const keys = deriveServerKeys(randomBytes(32));
  const mock = new MockProvider();
  // The real policy store, seeded from the shipped policies/ like a first start.
  const policies = await createPolicyStore({ db: db.db, config });
  const core = await createCore({
    config,
    db,
    keys,
    providers: [mock],
    policies,
    log: pino({ level: 'silent' }),
  });
  const identity = { config, keys };
  const app = createApp({
    verbs: httpVerbs(core, opts.verbs),
    authenticator: createAuthenticator(identity),
    ready: async () => {
      await db.db.execute('select 1');
    },
    devTokens: opts.dev === false ? undefined : identity,
  });
  const rows = async (q: string) => {
    const r = (await db.db.execute(q)) as unknown;
    return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];
  };
  return {
    app,
    core,
    config,
    mock,
    db,
    token: async (email, groups = []) =>
      (await mintDevToken(keys, { email, groups, kind: 'human', ttl: 3600 })).token,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let body: string | undefined = o.raw;
      if (o.body !== undefined) body = JSON.stringify(o.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const res = await app.request(path, { method, headers, body });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, body: json, text };
    },
    async counts() {
      const out: Record<string, number> = {};
      for (const t of ['requests', 'approvals', 'audit_events', 'principals', 'policies'])
        out[t] = Number((await rows(`select count(*) as n from ${t}`))[0]!.n);
      return out as unknown as Counts;
    },
    async setTier(identity, tier) {
      await rows(
        `insert into principals (identity, kind, trust_tier) values ('${identity}', 'human', ${tier})
         on conflict (identity) do update set trust_tier = excluded.trust_tier`,
      );
    },
    async close() {
      await core.close();
      await db.close();
    },
  };
}
