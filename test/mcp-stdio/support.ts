/**
 * Helpers for suites that drive a real jitsudod over HTTP: dev tokens, agents (minted through the
 * real API), trust tiers, and `jitsudo mcp` as a real child process behind the SDK's stdio client.
 */

import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { cleanEnv, ROOT } from '../e2e/support/processes.js';

export const JITSUDO_BIN = join(ROOT, 'bin', 'jitsudo.js');

/** JSON over HTTP with an optional bearer token; throws with the body on a non-2xx answer. */
export async function api<T = any>(
  server: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server}/api/v1alpha1${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export const devToken = async (server: string, email: string, groups: string[] = []) =>
  (await api<{ token: string }>(server, 'POST', '/auth/dev-token', { body: { email, groups } })).token;

/** Creates an agent through POST /agents as `ownerToken`; returns its one-time token. */
export async function createAgent(
  server: string,
  ownerToken: string,
  name: string,
  scopes: string[] = ['requester'],
): Promise<string> {
  return (
    await api<{ token: string }>(server, 'POST', '/agents', { token: ownerToken, body: { name, scopes } })
  ).token;
}

export const setTrustTier = (server: string, adminToken: string, identity: string, tier: number) =>
  api(server, 'PUT', `/principals/${encodeURIComponent(identity)}/trust-tier`, {
    token: adminToken,
    body: { trust_tier: tier },
  });

/** `jitsudo mcp --server <server>` as a child process, connected through the SDK's stdio client. */
export async function stdioClient(
  server: string,
  token: string,
  extraArgs: string[] = [],
): Promise<{ client: Client; stderr: () => string; close: () => Promise<void> }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [JITSUDO_BIN, 'mcp', '--server', server, ...extraArgs],
    env: cleanEnv({ JITSUDO_TOKEN: token, JITSUDO_HOME: '/nonexistent-jitsudo-home' }) as Record<
      string,
      string
    >,
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (d) => {
    err += d;
  });
  const client = new Client({ name: 'stdio-test', version: '1' });
  await client.connect(transport);
  return { client, stderr: () => err, close: () => client.close() };
}

/** Every text and structured part of a tool result, as one string (for secret greps). */
export const resultText = (r: unknown): string => JSON.stringify(r);

export const structured = <T = any>(r: unknown): T => (r as CallToolResult).structuredContent as T;
export const errorText = (r: unknown): string =>
  ((r as CallToolResult).content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('\n');

/**
 * A copy of the default policies plus two test rules, for JITSUDOD_POLICY_DIR: read-only roles are
 * approved at once whatever the trust tier (the default wants tier 3, set through an admin API),
 * and agents may ask for any mock role (by default only read-only ones: agents have no groups), so
 * the ai_review route of policies/approval/agents.rego is reachable.
 */
export function autoReadOnlyPolicyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jitsudo-policies-'));
  cpSync(join(ROOT, 'policies'), dir, { recursive: true });
  writeFileSync(
    join(dir, 'approval', 'test-auto-read-only.rego'),
    'package jitsudo.approval\n\nimport data.jitsudo.lib.roles\n\nroute contains "auto" if roles.read_only(input.request.role)\n',
  );
  writeFileSync(
    join(dir, 'eligibility', 'test-agents.rego'),
    'package jitsudo.eligibility\n\ngrant contains "test: agents may ask for mock roles" if {\n\tinput.user.kind == "agent"\n\tinput.request.provider == "mock"\n}\n',
  );
  return dir;
}
