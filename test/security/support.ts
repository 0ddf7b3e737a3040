/**
 * The attack bench for test/security: the real app (HTTP API + /mcp + dev-token endpoint) with the
 * verbs bound as jitsudod binds them, on a real core over a migrated PGlite database, the mock
 * provider, the database-backed policy store seeded from the shipped policies/, real agent tokens, and the
 * production logger at debug level writing into a buffer. Every HTTP and MCP response body is
 * recorded so a test can prove where a secret did or did not travel.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { sql } from 'drizzle-orm';
import type { Actor } from '../../src/core/actor.js';
import { agentTokenResolver } from '../../src/core/agents/authenticate.js';
import { verifyAuditChain } from '../../src/core/audit/verify.js';
import { parseConfig } from '../../src/core/config.js';
import { type Core, createCore } from '../../src/core/create-core.js';
import { deriveServerKeys, type ServerKeys } from '../../src/core/crypto/secrets.js';
import { createAuthenticator, mintDevToken } from '../../src/core/identity/index.js';
import { applyPolicy } from '../../src/core/policies/apply-policy.js';
import { createPolicyStore, type PolicyStore } from '../../src/core/policies/policy-store.js';
import { createApp } from '../../src/http/app.js';
import { MockProvider } from '../../src/providers/mock/index.js';
import { createLogger } from '../../src/server/logger.js';
import { httpVerbs } from '../../src/server/verbs.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

export const API = '/api/v1alpha1';

/** Matches any mock credential value, mock revoke handle or agent token. */
export const SECRET_RE = /mock-(?:access-key|session-token|revoke-token)-|jit_agt_[A-Za-z0-9_-]{10}/;

/** The exact credential values the mock issues for `id`. */
export const mockSecrets = (id: string) => [`mock-access-key-${id}`, `mock-session-token-${id}`];

export const ADMIN: Actor = {
  identity: 'root@example.com',
  kind: 'human',
  groups: ['jitsudo-admins'],
  scopes: ['requester', 'admin'],
  isAdmin: true,
};

/** Test-only policy additions: agents owned by alice may ask for anything; disclosure on one scope. */
const TEST_POLICIES = [
  {
    name: 'test-agents-eligibility',
    rego: `package jitsudo.eligibility
grant contains "agent owned by alice" if {
  input.user.kind == "agent"
  input.user.agent.owner == "alice@example.com"
}`,
  },
  {
    name: 'test-disclosure',
    rego: `package jitsudo.approval
allow_credential_disclosure if input.request.resource_scope == "disclose-ok"`,
  },
];

const CATALOG = [
  { provider: 'mock', role: 'ReadOnlyAccess', scopes: ['dev', 'prod'], description: 'read everything' },
  { provider: 'mock', role: 'deployer', scopes: ['dev', 'prod'], description: 'deploy' },
];

export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent verbatim (bad JSON, huge bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

export interface SecHarness {
  app: ReturnType<typeof createApp>;
  core: Core;
  keys: ServerKeys;
  mock: MockProvider;
  store: PolicyStore;
  db: TestDb;
  /** Every log line written so far (production logger, debug level). */
  logs(): string;
  /** Every HTTP and MCP response so far: `where` is `METHOD path` or `mcp` (bodies awaited). */
  responses(): Promise<{ where: string; text: string }[]>;
  human(email: string, groups?: string[]): Promise<string>;
  agent(name: string, owner: string, scopes?: string[]): Promise<{ token: string; id: string }>;
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  mcp(token: string): Promise<Client>;
  tool(client: Client, name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  sql(q: string): Promise<Record<string, unknown>[]>;
  /** Runs statements with the append-only triggers off, as a DBA tampering with the log would. */
  asDba(statements: string): Promise<void>;
  setTier(identity: string, tier: number): Promise<void>;
  /** Full chain verification (hashes, links, checkpoints). */
  verify(): ReturnType<typeof verifyAuditChain>;
  /** Row counts of the tables a refused call must not touch. */
  counts(): Promise<Record<string, number>>;
  advance(ms: number): void;
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: Record<string, unknown>;
}

/** Builds the bench; each test file builds one in beforeAll. */
export async function startSecHarness(opts: HarnessOptions = {}): Promise<SecHarness> {
  const config = parseConfig({
    home: '/nonexistent-jitsudo-home',
    sweeper: { enabled: false },
    catalog: CATALOG,
    ...opts.config,
  });
  const db = await createTestDb('pglite');
  const keys = deriveServerKeys(randomBytes(32));
  const mock = new MockProvider();
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger('debug', sink);
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const store = await createPolicyStore({ db: db.db, config, now });
  for (const p of TEST_POLICIES) await applyPolicy({ db: db.db, config, policies: store, now }, ADMIN, p);
  const core = await createCore({ config, db, keys, providers: [mock], policies: store, log, now });
  const identity = { config, keys };
  const app = createApp({
    verbs: httpVerbs(core),
    authenticator: createAuthenticator({ ...identity, agents: agentTokenResolver(core.deps) }),
    log,
    devTokens: identity,
    ready: async () => {
      await db.db.execute('select 1');
    },
    mcp: { wait: { pollMs: 25, progressEveryMs: 50 } },
  });
  const recorded: Promise<{ where: string; text: string }>[] = [];
  const rows = async (q: string) => {
    const r = (await db.db.execute(q)) as unknown;
    return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];
  };
  return {
    app,
    core,
    keys,
    mock,
    store,
    db,
    logs: () => lines.join(''),
    responses: () => Promise.all(recorded),
    human: async (email, groups = []) =>
      (await mintDevToken(keys, { email, groups, kind: 'human', ttl: 3600 })).token,
    async agent(name, owner, scopes = ['requester']) {
      const { token, agent } = await core.createAgent(ADMIN, { name, owner, scopes });
      return { token, id: agent.id };
    },
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let body: string | undefined = o.raw;
      if (o.body !== undefined) body = JSON.stringify(o.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const res = await app.request(path, { method, headers, body });
      const text = await res.text();
      recorded.push(Promise.resolve({ where: `${method} ${path}`, text }));
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, body: json, text };
    },
    async mcp(token) {
      const transport = new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
        fetch: async (url, init) => {
          const res = await app.request(String(url), init);
          recorded.push(
            res
              .clone()
              .text()
              .then((text) => ({ where: 'mcp', text })),
          );
          return res;
        },
      });
      const client = new Client({ name: 'jitsudo-security-test', version: '1.0.0' });
      await client.connect(transport);
      return client;
    },
    async tool(client, name, args = {}) {
      return (await client.callTool({ name, arguments: args }, undefined, {
        timeout: 20_000,
      })) as CallToolResult;
    },
    sql: rows,
    async asDba(statements) {
      await db.db.transaction(async (tx) => {
        await tx.execute(sql.raw('alter table audit_events disable trigger user'));
        for (const s of statements.split(';').filter((x) => x.trim())) await tx.execute(sql.raw(s));
        await tx.execute(sql.raw('alter table audit_events enable trigger user'));
      });
    },
    async setTier(identity, tier) {
      await rows(
        `insert into principals (identity, kind, trust_tier) values ('${identity}', '${identity.startsWith('agent:') ? 'agent' : 'human'}', ${tier})
         on conflict (identity) do update set trust_tier = excluded.trust_tier`,
      );
    },
    verify: () => verifyAuditChain({ db: db.db, keys }),
    async counts() {
      const out: Record<string, number> = {};
      for (const t of ['requests', 'approvals', 'audit_events', 'principals', 'policies', 'agents'])
        out[t] = Number((await rows(`select count(*) as n from ${t}`))[0]!.n);
      return out;
    },
    advance(ms) {
      offset += ms;
    },
    async close() {
      store.stop();
      await core.close();
      await db.close();
    },
  };
}

/** All text of a tool result plus its structured content. */
export const toolText = (r: CallToolResult): string =>
  r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n') +
  JSON.stringify(r.structuredContent ?? null);

/** The JSON error block of an isError tool result. */
export function toolError(r: CallToolResult): { code: string; message: string; details?: any } {
  if (!r.isError) throw new Error(`expected an error, got ${toolText(r)}`);
  const block = r.content.find((c) => c.type === 'text' && c.text.startsWith('{"error"'));
  if (block?.type !== 'text') return { code: 'SDK', message: toolText(r) };
  return JSON.parse(block.text).error;
}

/** The structured result of a successful tool call (fails the test on an error result). */
export function toolOk(r: CallToolResult): any {
  if (r.isError) throw new Error(`tool failed: ${toolText(r)}`);
  return r.structuredContent;
}

/** A create-request body with sensible defaults. */
export const createBody = (o: Record<string, unknown> = {}) => ({
  provider: 'mock',
  role: 'ReadOnlyAccess',
  resource_scope: 'dev',
  duration: '30m',
  reason: 'security test',
  ...o,
});
