/**
 * The real app (HTTP API + /mcp) on a real core (test/helpers/app-stack.ts: a migrated test database,
 * PGlite or PostgreSQL when TEST_DATABASE_URL is set, the mock provider) with the shipped Rego
 * policies plus a few test modules, dev tokens for people and real agent tokens. MCP clients are the
 * SDK's own Client over the in-process app. Every /mcp response body is recorded so that each test
 * file can prove no credential ever appeared in a tool result.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Actor } from '../../../src/core/actor.js';
import type { Driver } from '../../../src/core/db/client.js';
import { defaultPolicySources, loadRegoPolicySet } from '../../../src/core/policy/index.js';
import { MockProvider } from '../../../src/providers/mock/index.js';
import { type Stack, startStack } from '../../helpers/app-stack.js';
import {
  type AskArgs,
  type CallOpts,
  callTool,
  connectMcp,
  requestAccess,
} from '../../helpers/mcp-client.js';
import { setTier } from '../../helpers/principals.js';
import { countTables } from '../../helpers/sql.js';
import { AGENTS_OF_ALICE, DISCLOSURE_ON_ONE_SCOPE } from '../../helpers/test-policies.js';

/** Test additions to the shipped policies: agents owned by alice may ask for any role; disclosure on one scope; AI reviewers kept out of prod. */
const TEST_POLICIES = [
  AGENTS_OF_ALICE,
  DISCLOSURE_ON_ONE_SCOPE,
  {
    name: 'test-ai-review',
    rego: `package jitsudo.approval
deny contains "AI reviewers may not approve in prod" if {
  input.user.kind == "agent"
  input.request.resource_scope == "prod"
}`,
  },
];

const TEST_CATALOG = [
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

export interface McpHarness extends Pick<Stack, 'app' | 'core' | 'mock' | 'db' | 'advance' | 'close'> {
  /** A second mock provider, `mock-b`. */
  mockB: MockProvider;
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
  /** request_access on the mock provider (scope dev unless `args` says otherwise). */
  ask(client: Client, args: AskArgs): Promise<CallToolResult>;
  /** Every /mcp response body so far (waits for bodies still streaming). */
  bodies(): Promise<string[]>;
  counts(): Promise<Record<string, number>>;
  /** Sets a principal's trust tier directly in the database (test setup only). */
  setTier(identity: string, tier: number): Promise<void>;
  sql(q: string): Promise<Record<string, unknown>[]>;
  /** Audit rows matching a SQL condition, oldest first, with `details` parsed (stored as text or jsonb). */
  audit(
    where: string,
  ): Promise<{ actor: string; on_behalf_of: string | null; action: string; details: any }[]>;
}

export async function startMcpHarness(
  driver: Driver,
  opts: {
    config?: Record<string, unknown>;
    pollMs?: number;
    /** Rego modules added to the test policies (e.g. quorumPolicy(2)). */
    policies?: { name: string; rego: string }[];
  } = {},
): Promise<McpHarness> {
  const mockB = new MockProvider({ name: 'mock-b' });
  const s = await startStack(driver, {
    config: { catalog: TEST_CATALOG, ...opts.config },
    providers: [mockB],
    policySet: loadRegoPolicySet([...defaultPolicySources(), ...TEST_POLICIES, ...(opts.policies ?? [])]),
    agentTokens: true,
    mcp: { wait: { pollMs: opts.pollMs ?? 25, progressEveryMs: 50 } },
  });
  const recorded: Promise<string>[] = [];
  return {
    ...s,
    mockB,
    human: s.humanToken,
    client: (token, o = {}) =>
      connectMcp(s.app, token, {
        onResponse: (res) => {
          if (o.record !== false) recorded.push(res.clone().text());
        },
      }),
    call: callTool,
    ask: (client, args) => requestAccess(client, args),
    bodies: () => Promise.all(recorded),
    counts: () => countTables(s.db.db, ['requests', 'approvals', 'audit_events', 'agents']),
    setTier: (identity, tier) => setTier(s.db.db, identity, tier),
    sql: s.rows,
    async audit(where) {
      const list = await s.rows(
        `select actor, on_behalf_of, action, details from audit_events where ${where} order by id`,
      );
      return list.map((r) => ({
        ...(r as { actor: string; on_behalf_of: string | null; action: string }),
        details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details,
      }));
    },
  };
}
