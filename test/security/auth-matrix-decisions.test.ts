/**
 * The auth matrix of issue 10, part 2: signed-in callers deciding what they must not decide — their
 * own request, their owner's, and a second approval under N-of-M — over the HTTP API and over MCP
 * (the SDK client, approve_request). The server runs in OIDC mode on a real socket with the mock
 * provider: production mode refuses the mock provider, and these refusals are about who decides, not
 * about the transport (part 1, auth-matrix.test.ts, covers credentials on a production jitsudod).
 * The test names form the table: surface · case → expected answer · what is recorded.
 *
 * Each refusal writes exactly one audit row, `request.decision_refused` (ADR 0047: the caller is
 * signed in and sees the request), and nothing else: no approval, no state change, no outbox event.
 * Over HTTP the request log's line is asserted too; over MCP a refused tool call is an isError result
 * inside a 200 and jitsudod logs nothing beyond that /mcp request line.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import { coreApp } from '../../src/server/core-app.js';
import { type Stack, startStack } from '../helpers/app-stack.js';
import { brokenAuditRow } from '../helpers/audit-chain.js';
import { testDatabases } from '../helpers/db.js';
import { callTool, errorOf } from '../helpers/mcp-client.js';
import { type OidcIdp, startOidcIdp } from '../helpers/oidc-idp.js';
import { type Served, serveApp } from '../helpers/real-http.js';

const API = '/api/v1alpha1';

// A scope naming "quorum" needs two distinct approvers; a scope "ai…" goes to AI review.
const MATRIX_APPROVAL = `package jitsudo.approval

approvals_required := 2 if contains(input.request.resource_scope, "quorum")

route contains "ai_review" if startswith(input.request.resource_scope, "ai")
`;

describe.each(testDatabases())('auth matrix: decisions over HTTP and MCP on %s', (driver) => {
  let idp: OidcIdp;
  let stack: Stack;
  let served: Served;
  const logLines: string[] = [];
  const ids: Record<string, string> = {};
  const tokens: Record<'alice' | 'bob' | 'ownersBot' | 'reviewer', string> = {
    alice: '',
    bob: '',
    ownersBot: '',
    reviewer: '',
  };
  const clients: Client[] = [];

  beforeAll(async () => {
    idp = await startOidcIdp();
    stack = await startStack(driver, {
      agentTokens: true,
      policies: [{ name: 'matrix-approval', rego: MATRIX_APPROVAL }],
      config: { auth: { mode: 'oidc', oidc: { issuer: idp.issuer, audience: idp.audience } } },
    });
    served = await serveApp(
      coreApp(stack.core, pino({ level: 'info' }, { write: (s: string) => void logLines.push(s) })),
    );
    tokens.alice = await idp.mintUserToken('alice@example.com', ['sre']);
    tokens.bob = await idp.mintUserToken('bob@example.com', ['sre-leads']);
    const reviewer = ['requester', 'ai-reviewer'];
    const ownersBot = await stack.agent('alice-reviewer', 'alice@example.com', reviewer);
    const rev = await stack.agent('dave-reviewer', 'dave@example.com', reviewer);
    tokens.ownersBot = ownersBot.token;
    tokens.reviewer = rev.token;
    ids.ownersBot = ownersBot.actor.identity;
    ids.reviewer = rev.actor.identity;
  }, 120_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await served?.close();
    await stack?.close();
    await idp?.stop();
  });

  const http = async (path: string, token: string, body: unknown) => {
    const res = await fetch(`${served.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      requestId: res.headers.get('x-request-id'),
      body: (await res.json()) as any,
    };
  };
  const mcp = async (token: string) => {
    const client = new Client({ name: 'auth-matrix', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${served.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  };
  /** A PENDING request by alice (over HTTP) on `scope`. */
  const alicesRequest = async (role: string, scope: string): Promise<string> => {
    const r = await http(`${API}/requests`, tokens.alice, {
      provider: 'mock',
      role,
      resource_scope: scope,
      reason: 'auth matrix',
    });
    expect(r.status).toBe(201);
    expect(r.body.request.state).toBe('PENDING');
    return r.body.request.id;
  };
  const audited = async (id: string) =>
    (await stack.rows(`select action from audit_events where request_id = '${id}' order by id`)).map(
      (r) => r.action,
    );
  const state = async (id: string) => ({
    request: (await stack.rows(`select state from requests where id = '${id}'`))[0]!.state,
    approvals: (await stack.rows(`select count(*)::int as n from approvals where request_id = '${id}'`))[0]!
      .n,
    outbox: (await stack.rows('select count(*)::int as n from outbox_events'))[0]!.n,
  });
  const auditCount = async () =>
    (await stack.rows('select count(*)::int as n from audit_events'))[0]!.n as number;

  /**
   * Runs `attempt` on request `id`; asserts it changed nothing but one audit row of the refusal
   * (and, over HTTP, the log line).
   */
  const refusedOver = async (
    surface: 'HTTP' | 'MCP',
    id: string,
    attempt: () => Promise<{ code: string; message: string; requestId?: string | null }>,
    expected: { code: string; status?: number; message: RegExp; actor: string },
  ) => {
    const before = await state(id);
    const audits = await auditCount();
    const logged = logLines.length;
    const got = await attempt();
    expect(got).toMatchObject({ code: expected.code, message: expect.stringMatching(expected.message) });
    expect(await state(id)).toEqual(before);
    expect(before.request).toBe('PENDING');
    expect(await auditCount()).toBe(audits + 1);
    const [row] = await stack.rows(
      `select action, outcome, actor, details from audit_events where request_id = '${id}' order by id desc limit 1`,
    );
    // details is text on one driver and jsonb on the other
    const last = {
      ...row,
      details: typeof row!.details === 'string' ? JSON.parse(row!.details) : row!.details,
    };
    expect(last).toMatchObject({
      action: 'request.decision_refused',
      outcome: 'denied',
      actor: expected.actor,
      details: { attempted: 'approve', code: expected.code, reason: expect.stringMatching(expected.message) },
    });
    expect(await brokenAuditRow(stack.db.db)).toBeNull();
    if (surface === 'HTTP') {
      const line = logLines
        .slice(logged)
        .map((l) => JSON.parse(l))
        .find((l) => l.requestId === got.requestId && l.msg === 'request');
      expect(line).toMatchObject({ status: expected.status, method: 'POST' });
    }
  };
  const approveHttp = (token: string, id: string) => async () => {
    const r = await http(`${API}/requests/${id}/approve`, token, {});
    return { ...r.body.error, requestId: r.requestId, status: r.status };
  };
  const approveMcp = (token: string, id: string) => async () =>
    errorOf(await callTool(await mcp(token), 'approve_request', { request_id: id, reasoning: 'looks fine' }));

  it('HTTP · self-approval (a person approves their own request) → 403 FORBIDDEN · audited as request.decision_refused: request log line · nothing else changed', async () => {
    const id = await alicesRequest('admin', 'self');
    await refusedOver('HTTP', id, approveHttp(tokens.alice, id), {
      actor: 'alice@example.com',
      code: 'FORBIDDEN',
      status: 403,
      message: /your own request/,
    });
  });

  it('MCP · self-approval (an AI reviewer approves the request it made) → FORBIDDEN tool error · audited as request.decision_refused · nothing else changed', async () => {
    const client = await mcp(tokens.reviewer);
    const made = await callTool(client, 'request_access', {
      provider: 'mock',
      role: 'ReadOnlyAccess',
      scope: 'ai-self',
      reason: 'auth matrix',
    });
    const id = (made.structuredContent as any).request.id as string;
    await refusedOver('MCP', id, approveMcp(tokens.reviewer, id), {
      actor: ids.reviewer!,
      code: 'FORBIDDEN',
      message: /your own request/,
    });
  });

  it('HTTP · an agent approving its owner’s request → 403 FORBIDDEN · audited as request.decision_refused: request log line · nothing else changed', async () => {
    const id = await alicesRequest('ReadOnlyAccess', 'ai-owner-http');
    await refusedOver('HTTP', id, approveHttp(tokens.ownersBot, id), {
      actor: ids.ownersBot!,
      code: 'FORBIDDEN',
      status: 403,
      message: /controls you/,
    });
  });

  it('MCP · an agent approving its owner’s request → FORBIDDEN tool error · audited as request.decision_refused · nothing else changed', async () => {
    const id = await alicesRequest('ReadOnlyAccess', 'ai-owner-mcp');
    await refusedOver('MCP', id, approveMcp(tokens.ownersBot, id), {
      actor: ids.ownersBot!,
      code: 'FORBIDDEN',
      message: /controls you/,
    });
  });

  it('HTTP · a second approval by the same person under 2-of-N → 409 CONFLICT · first approval audited, second audited as refused: request log line · nothing else changed', async () => {
    const id = await alicesRequest('admin', 'quorum-http');
    const first = await http(`${API}/requests/${id}/approve`, tokens.bob, {});
    expect(first.status).toBe(200);
    expect(first.body.request).toMatchObject({ state: 'PENDING', approvals_required: 2 });
    expect(await audited(id)).toEqual(['request.created', 'request.approval_recorded']);
    await refusedOver('HTTP', id, approveHttp(tokens.bob, id), {
      actor: 'bob@example.com',
      code: 'CONFLICT',
      status: 409,
      message: /already approved/,
    });
  });

  it('MCP · a second approval by the same AI reviewer under 2-of-N → CONFLICT tool error · first approval audited, second audited as refused · nothing else changed', async () => {
    const id = await alicesRequest('ReadOnlyAccess', 'ai-quorum');
    const client = await mcp(tokens.reviewer);
    const first = await callTool(client, 'approve_request', { request_id: id, reasoning: 'looks fine' });
    expect(first.isError).toBeFalsy();
    expect((first.structuredContent as any).request).toMatchObject({
      state: 'PENDING',
      approvals_required: 2,
    });
    expect(await audited(id)).toEqual(['request.created', 'request.approval_recorded']);
    await refusedOver('MCP', id, approveMcp(tokens.reviewer, id), {
      actor: ids.reviewer!,
      code: 'CONFLICT',
      message: /already approved/,
    });
  });

  it('HTTP and MCP · approving an id that does not exist → 404 NOT_FOUND · not audited (anyone could grow the chain) · nothing changed', async () => {
    const ghost = newId('req');
    const audits = await auditCount();
    const r = await http(`${API}/requests/${ghost}/approve`, tokens.bob, {});
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
    const viaMcp = await approveMcp(tokens.reviewer, ghost)();
    expect(viaMcp.code).toBe('NOT_FOUND');
    expect(await auditCount()).toBe(audits);
  });
});
