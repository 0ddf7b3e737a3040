/**
 * The real app (HTTP API + /mcp) on a real core: a migrated test database (PGlite, or PostgreSQL
 * when TEST_DATABASE_URL is set), the mock provider, the default Rego policies plus a few test
 * modules, dev tokens for people and real agent tokens. MCP clients are the SDK's own Client over
 * StreamableHTTPClientTransport, whose fetch is `app.request`. Every /mcp response body is recorded
 * so that each test file can prove no credential ever appeared in a tool result.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import pino from 'pino';
import type { Actor } from '../../../src/core/actor.js';
import { agentTokenResolver } from '../../../src/core/agents/authenticate.js';
import { GENESIS_HASH, hashAuditRecord } from '../../../src/core/audit/hash.js';
import { parseConfig } from '../../../src/core/config.js';
import { type Core, createCore } from '../../../src/core/create-core.js';
import { deriveServerKeys } from '../../../src/core/crypto/secrets.js';
import { scanAuditRecords } from '../../../src/core/db/audit-repo.js';
import type { Database, Driver } from '../../../src/core/db/client.js';
import { createAuthenticator, mintDevToken } from '../../../src/core/identity/index.js';
import { defaultPolicySources, loadRegoPolicySet } from '../../../src/core/policy/index.js';
import { createApp } from '../../../src/http/app.js';
import { MockProvider } from '../../../src/providers/mock/index.js';
import { httpVerbs } from '../../../src/server/verbs.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';

/** Anything that looks like a mock credential, a mock revoke handle or an agent token. */
export const SECRET_PATTERN = /mock-(?:access-key|session-token|revoke-token)-|jit_agt_[A-Za-z0-9_-]{10}/;

/** Test additions to the default policies: agents owned by alice may ask for any role; disclosure on one scope; AI reviewers kept out of prod. */
export const TEST_POLICIES = [
  {
    name: 'test-agents-eligibility',
    rego: `package jitsudo.eligibility
grant contains "agent owned by alice" if {
  input.user.kind == "agent"
  input.user.agent.owner == "alice@example.com"
}`,
  },
  {
    name: 'test-approval',
    rego: `package jitsudo.approval
allow_credential_disclosure if input.request.resource_scope == "disclose-ok"
deny contains "AI reviewers may not approve in prod" if {
  input.user.kind == "agent"
  input.request.resource_scope == "prod"
}`,
  },
];

export const TEST_CATALOG = [
  { provider: 'mock', role: 'ReadOnlyAccess', scopes: ['dev', 'prod'], description: 'read everything' },
  {
    provider: 'mock',
    role: 'deployer',
    scopes: ['dev', 'prod'],
    description: 'deploy',
    max_duration_seconds: 7200,
  },
  { provider: 'mock', role: 'admin', scopes: ['dev'], description: 'full control' },
  { provider: 'aws', role: 'ReadOnlyAccess', scopes: ['123456789012'], description: 'not configured here' },
];

export interface McpHarness {
  app: ReturnType<typeof createApp>;
  core: Core;
  mock: MockProvider;
  /** A second mock provider, `mock-b`. */
  mockB: MockProvider;
  db: TestDb;
  /** Dev token of a person. */
  human(email: string, groups?: string[]): Promise<string>;
  /** A real agent (created by an admin) and its token. */
  agent(name: string, owner: string, scopes?: string[]): Promise<{ token: string; actor: Actor }>;
  /** An SDK client connected to /mcp with `token`; `record: false` keeps its bodies out of bodies(). */
  client(token: string, opts?: { record?: boolean }): Promise<Client>;
  /** Calls a tool and returns its result (isError results included, never thrown). */
  call(
    client: Client,
    name: string,
    args?: Record<string, unknown>,
    opts?: CallOpts,
  ): Promise<CallToolResult>;
  /** Every /mcp response body so far (waits for bodies still streaming). */
  bodies(): Promise<string[]>;
  /** Moves the core clock forward. */
  advance(ms: number): void;
  counts(): Promise<Record<string, number>>;
  sql(q: string): Promise<Record<string, unknown>[]>;
  /** Audit rows matching a SQL condition, oldest first, with `details` parsed (stored as text or jsonb). */
  audit(
    where: string,
  ): Promise<{ actor: string; on_behalf_of: string | null; action: string; details: any }[]>;
  close(): Promise<void>;
}

export interface CallOpts {
  onprogress?: (p: { progress: number; total?: number; message?: string }) => void;
  timeout?: number;
}

export const ADMIN: Actor = {
  identity: 'root@example.com',
  kind: 'human',
  groups: ['jitsudo-admins'],
  scopes: ['requester', 'admin'],
  isAdmin: true,
};

export async function startMcpHarness(
  driver: Driver,
  opts: { config?: Record<string, unknown>; pollMs?: number } = {},
): Promise<McpHarness> {
  const config = parseConfig({
    home: '/nonexistent-jitsudo-home',
    sweeper: { enabled: false },
    catalog: TEST_CATALOG,
    ...opts.config,
  });
  const db = await createTestDb(driver);
  const keys = deriveServerKeys(randomBytes(32));
  const mock = new MockProvider();
  const mockB = new MockProvider({ name: 'mock-b' });
  let offset = 0;
  const core = await createCore({
    config,
    db,
    keys,
    providers: [mock, mockB],
    policies: loadRegoPolicySet([...defaultPolicySources(), ...TEST_POLICIES]),
    log: pino({ level: 'silent' }),
    now: () => new Date(Date.now() + offset),
  });
  const app = createApp({
    verbs: httpVerbs(core),
    authenticator: createAuthenticator({ config, keys, agents: agentTokenResolver(core.deps) }),
    mcp: { wait: { pollMs: opts.pollMs ?? 25, progressEveryMs: 50 } },
  });
  const recorded: Promise<string>[] = [];
  const rows = async (q: string) => {
    const r = (await db.db.execute(q)) as unknown;
    return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];
  };
  const h: McpHarness = {
    app,
    core,
    mock,
    mockB,
    db,
    human: async (email, groups = []) =>
      (await mintDevToken(keys, { email, groups, kind: 'human', ttl: 3600 })).token,
    async agent(name, owner, scopes = ['requester']) {
      const { token, agent } = await core.createAgent(ADMIN, { name, owner, scopes });
      return {
        token,
        actor: {
          identity: agent.identity,
          kind: 'agent',
          groups: [],
          agent: { id: agent.id, name: agent.name, owner: agent.owner },
          scopes: agent.scopes,
          isAdmin: false,
        },
      };
    },
    async client(token, o = {}) {
      const transport = new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
        fetch: async (url, init) => {
          const res = await app.request(String(url), init);
          if (o.record !== false) recorded.push(res.clone().text());
          return res;
        },
      });
      const client = new Client({ name: 'jitsudo-test', version: '1.0.0' });
      await client.connect(transport);
      return client;
    },
    async call(client, name, args = {}, o = {}) {
      return (await client.callTool({ name, arguments: args }, undefined, {
        ...(o.onprogress ? { onprogress: o.onprogress, resetTimeoutOnProgress: true } : {}),
        timeout: o.timeout ?? 30_000,
      })) as CallToolResult;
    },
    bodies: () => Promise.all(recorded),
    advance(ms) {
      offset += ms;
    },
    async counts() {
      const out: Record<string, number> = {};
      for (const t of ['requests', 'approvals', 'audit_events', 'agents'])
        out[t] = Number((await rows(`select count(*) as n from ${t}`))[0]!.n);
      return out;
    },
    sql: rows,
    async audit(where) {
      const list = await rows(
        `select actor, on_behalf_of, action, details from audit_events where ${where} order by id`,
      );
      return list.map((r) => ({
        ...(r as { actor: string; on_behalf_of: string | null; action: string }),
        details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details,
      }));
    },
    async close() {
      await core.close();
      await db.close();
    },
  };
  return h;
}

/** The structured result of a successful call (fails the test on an error result). */
export function ok(r: CallToolResult): any {
  if (r.isError) throw new Error(`tool failed: ${textOf(r)}`);
  return r.structuredContent;
}

/** All text of a result. */
export const textOf = (r: CallToolResult): string =>
  r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

/** The JSON error block of an isError result. */
export function errorOf(r: CallToolResult): { code: string; message: string; details?: any } {
  if (!r.isError) throw new Error(`expected an error, got ${textOf(r)}`);
  const block = r.content.find((c) => c.type === 'text' && c.text.startsWith('{"error"'));
  if (block?.type !== 'text') return { code: 'SDK', message: textOf(r) };
  return JSON.parse(block.text).error;
}

/** The id of the first audit row whose hash or link is wrong, or null when the whole chain verifies. */
export async function brokenAuditRow(db: Database): Promise<number | null> {
  let prev = GENESIS_HASH;
  let after = 0;
  for (;;) {
    const rows = await scanAuditRecords(db, after, 5000);
    for (const r of rows) {
      const { hash, ...rest } = r;
      if (r.prev_hash !== prev || hashAuditRecord(rest) !== hash || r.id !== after + 1) return r.id;
      prev = hash;
      after = r.id;
    }
    if (rows.length < 5000) return null;
  }
}
