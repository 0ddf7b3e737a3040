/**
 * The attack bench for test/security: the real app (HTTP API + /mcp + dev-token endpoint) on a real
 * core (test/helpers/app-stack.ts) over a migrated PGlite database, the mock provider, the
 * database-backed policy store seeded from the shipped policies/, real agent tokens, and the
 * production logger at debug level writing into a buffer. Every HTTP and MCP response body is
 * recorded so a test can prove where a secret did or did not travel.
 */
import { Writable } from 'node:stream';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { sql } from 'drizzle-orm';
import { verifyAuditChain } from '../../src/core/audit/verify.js';
import type { Driver } from '../../src/core/db/client.js';
import { createLogger } from '../../src/server/logger.js';
import { type Stack, startStack } from '../helpers/app-stack.js';
import { type CallOptions, type CallResult, callApp } from '../helpers/http-call.js';
import { type AskArgs, callTool, connectMcp, requestAccess } from '../helpers/mcp-client.js';
import { setTier } from '../helpers/principals.js';
import { countTables } from '../helpers/sql.js';
import { AGENTS_OF_ALICE, DISCLOSURE_ON_ONE_SCOPE } from '../helpers/test-policies.js';

export const API = '/api/v1alpha1';

const CATALOG = [
  { provider: 'mock', role: 'ReadOnlyAccess', scopes: ['dev', 'prod'], description: 'read everything' },
  { provider: 'mock', role: 'deployer', scopes: ['dev', 'prod'], description: 'deploy' },
];

export interface SecHarness
  extends Pick<Stack, 'app' | 'core' | 'keys' | 'mock' | 'db' | 'advance' | 'close'> {
  /** Every log line written so far (production logger, debug level). */
  logs(): string;
  /** Every HTTP and MCP response so far: `where` is `METHOD path` or `mcp` (bodies awaited). */
  responses(): Promise<{ where: string; text: string }[]>;
  human(email: string, groups?: string[]): Promise<string>;
  agent(name: string, owner: string, scopes?: string[]): Promise<{ token: string; id: string }>;
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  mcp(token: string): Promise<Client>;
  tool(client: Client, name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** request_access on the mock provider (scope dev unless `args` says otherwise). */
  ask(client: Client, args: AskArgs): Promise<CallToolResult>;
  sql(q: string): Promise<Record<string, unknown>[]>;
  /** Runs statements with the append-only triggers off, as a DBA tampering with the log would. */
  asDba(statements: string): Promise<void>;
  setTier(identity: string, tier: number): Promise<void>;
  /** Full chain verification (hashes, links, checkpoints). */
  verify(): ReturnType<typeof verifyAuditChain>;
  /** Row counts of the tables a refused call must not touch. */
  counts(): Promise<Record<string, number>>;
}

/** Builds the bench (PGlite unless `driver` says otherwise); each test file builds one in beforeAll. */
export async function startSecHarness(
  opts: { config?: Record<string, unknown>; driver?: Driver } = {},
): Promise<SecHarness> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const s = await startStack(opts.driver ?? 'pglite', {
    config: { catalog: CATALOG, ...opts.config },
    policies: [AGENTS_OF_ALICE, DISCLOSURE_ON_ONE_SCOPE],
    log: createLogger('debug', sink),
    agentTokens: true,
    devTokens: true,
    mcp: { wait: { pollMs: 25, progressEveryMs: 50 } },
  });
  const recorded: Promise<{ where: string; text: string }>[] = [];
  return {
    ...s,
    logs: () => lines.join(''),
    responses: () => Promise.all(recorded),
    human: s.humanToken,
    agent: s.agent,
    async call(method, path, o) {
      const r = await callApp(s.app, method, path, o);
      recorded.push(Promise.resolve({ where: `${method} ${path}`, text: r.text }));
      return r;
    },
    mcp: (token) =>
      connectMcp(s.app, token, {
        name: 'jitsudo-security-test',
        onResponse: (res) => {
          recorded.push(
            res
              .clone()
              .text()
              .then((text) => ({ where: 'mcp', text })),
          );
        },
      }),
    tool: (client, name, args) => callTool(client, name, args, { timeout: 20_000 }),
    ask: (client, args) => requestAccess(client, args, { timeout: 20_000 }),
    sql: s.rows,
    async asDba(statements) {
      await s.db.db.transaction(async (tx) => {
        await tx.execute(sql.raw('alter table audit_events disable trigger user'));
        for (const q of statements.split(';').filter((x) => x.trim())) await tx.execute(sql.raw(q));
        await tx.execute(sql.raw('alter table audit_events enable trigger user'));
      });
    },
    setTier: (identity, tier) => setTier(s.db.db, identity, tier),
    verify: () => verifyAuditChain({ db: s.db.db, keys: s.keys }),
    counts: () =>
      countTables(s.db.db, ['requests', 'approvals', 'audit_events', 'principals', 'policies', 'agents']),
  };
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
