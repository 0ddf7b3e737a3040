/**
 * The AI reviewer's tools meet the same deadlines as every other surface: after escalate_at (or
 * pending_expires_at) a decision is a CONFLICT tool error and the request is left as the sweeper
 * would leave it, sweeper or not. On a request the reviewer may not see, approve_request and
 * deny_request fail exactly as get_request_details does, and write nothing.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/app-stack.js';
import { testDatabases } from '../helpers/db.js';
import { callApp } from '../helpers/http-call.js';
import { callTool, connectMcp, errorOf, ok, textOf } from '../helpers/mcp-client.js';
import { AI_REVIEW_ROLE } from '../helpers/test-policies.js';

const KEEP_OUT_OF_PROD = {
  name: 'test-ai-review-prod',
  rego: `package jitsudo.approval
deny contains "AI reviewers may not approve in prod" if {
  input.user.kind == "agent"
  input.request.resource_scope == "prod"
}`,
};

describe.each(testDatabases())('late and hidden AI review decisions over MCP on %s', (driver) => {
  let s: Stack;
  let alice: string;
  let admin: string;
  let rev: Client;
  const create = async (scope = 'sandbox') => {
    const r = await callApp(s.app, 'POST', '/api/v1alpha1/requests', {
      token: alice,
      body: {
        provider: 'mock',
        role: 'ai-review-me',
        resource_scope: scope,
        duration: '30m',
        reason: 'INC-9',
      },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body.request.approver_tier).toBe('ai_review');
    return r.body.request.id as string;
  };
  const view = async (id: string) =>
    (await callApp(s.app, 'GET', `/api/v1alpha1/requests/${id}`, { token: admin })).body.request;
  const actions = async (id: string) =>
    (await s.rows(`select action, actor from audit_events where request_id = '${id}' order by id`)).map(
      (r) => `${r.action} by ${r.actor}`,
    );
  const decide = (tool: string, id: string) =>
    callTool(rev, tool, { request_id: id, reasoning: 'small scope, clear reason', risk: 'low' });

  beforeAll(async () => {
    s = await startStack(driver, { agentTokens: true, policies: [AI_REVIEW_ROLE, KEEP_OUT_OF_PROD] });
    alice = await s.humanToken('alice@example.com', ['sre']);
    admin = await s.humanToken('root@example.com', ['jitsudo-admins']);
    rev = await connectMcp(s.app, (await s.agent('rev', 'rita@example.com', ['ai-reviewer'])).token);
  });
  afterAll(() => s?.close());

  it.each(['approve_request', 'deny_request', 'escalate_to_human'])(
    '%s after escalate_at, the sweeper not run yet: a CONFLICT error; the request has gone to humans',
    async (tool) => {
      const id = await create();
      s.advance(s.config.requests.ai_review_escalate_after_seconds * 1000);
      const r = await decide(tool, id);
      const e = errorOf(r);
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toMatch(
        new RegExp(
          `^the AI review window of request ${id} closed at .*; it has been escalated to human approvers`,
        ),
      );
      expect(e.details).toMatchObject({ state: 'PENDING', approver_tier: 'human' });
      expect(textOf(r)).toContain('Call get_request to see its current state');
      expect(await view(id)).toMatchObject({
        state: 'PENDING',
        approver_tier: 'human',
        approvals: [{ approver: 'system', decision: 'escalated' }],
      });
      expect(await actions(id)).toEqual([
        'request.created by alice@example.com',
        'request.escalated by system',
      ]);
    },
  );

  it('approve_request after pending_expires_at: a CONFLICT error; the request is EXPIRED', async () => {
    const id = await create();
    // Both deadlines have passed: expiry wins, as in the sweeper, which expires first.
    s.advance(s.config.requests.pending_ttl_seconds * 1000);
    const e = errorOf(await decide('approve_request', id));
    expect(e).toMatchObject({ code: 'CONFLICT', details: { state: 'EXPIRED' } });
    expect(e.message).toMatch(new RegExp(`^request ${id} expired at .* without a decision`));
    expect(await view(id)).toMatchObject({ state: 'EXPIRED', end_reason: 'pending_timeout', approvals: [] });
    expect(await actions(id)).toEqual(['request.created by alice@example.com', 'request.expired by system']);
  });

  it('approve_request and deny_request on a request the policy hides from the reviewer: the get_request_details error, nothing written', async () => {
    const id = await create('prod');
    const n = async () => Number((await s.rows('select count(*)::int as n from audit_events'))[0]!.n);
    const before = await n();
    const seen = await callTool(rev, 'get_request_details', { request_id: id });
    expect(errorOf(seen).code).toBe('NOT_FOUND');
    for (const tool of ['approve_request', 'deny_request']) {
      const r = await decide(tool, id);
      expect(r.isError, tool).toBe(true);
      expect(r.content, tool).toEqual(seen.content);
    }
    expect(await n()).toBe(before);
    expect((await view(id)).state).toBe('PENDING');
    // Handing it to people stays possible: escalation decides nothing.
    expect(ok(await decide('escalate_to_human', id)).request.approver_tier).toBe('human');
  });
});
