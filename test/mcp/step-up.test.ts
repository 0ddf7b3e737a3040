/**
 * Step-up through the real MCP SDK client and the real Rego engine (ADR 0050): an approval policy
 * rule `step_up` (here: tickets starting HIGH-) is fixed on the request and shown by the read
 * tools; an AI reviewer — an agent, with no IdP sign-in at all — cannot approve it (an actionable
 * error, audited as request.decision_refused) but may still deny it.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.js';
import { ok, textOf } from '../helpers/mcp-client.js';
import { type McpHarness, startMcpHarness } from './support/harness.js';

const STEP_UP_FOR_HIGH_TICKETS = {
  name: 'test-step-up-high-tickets',
  rego: `package jitsudo.approval
step_up if startswith(input.request.metadata.ticket, "HIGH-")`,
};

describe.each(testDatabases())('MCP step-up on %s', (driver) => {
  let h: McpHarness;
  let coder: Client;
  let reviewer: Client;
  beforeAll(async () => {
    h = await startMcpHarness(driver, { policies: [STEP_UP_FOR_HIGH_TICKETS] });
    coder = await h.client((await h.agent('su-coder', 'alice@example.com')).token);
    reviewer = await h.client((await h.agent('su-rev', 'rita@example.com', ['ai-reviewer'])).token);
  });
  afterAll(() => h?.close());

  it('a step_up request shows step_up; an AI reviewer cannot approve it, may deny it; others are unaffected', async () => {
    const high = ok(await h.ask(coder, { role: 'deployer', reason: 'deploy', ticket: 'HIGH-1' })).request;
    expect(high).toMatchObject({ state: 'PENDING', step_up: true });
    const read = ok(await h.call(coder, 'get_request', { request_id: high.id })).request;
    expect(read.step_up).toBe(true);
    const refused = await h.call(reviewer, 'approve_request', {
      request_id: high.id,
      reasoning: 'looks fine',
    });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('needs a fresh sign-in');
    const rows = await h.audit(`request_id = '${high.id}' and action = 'request.decision_refused'`);
    expect(rows.map((r) => r.actor)).toEqual(['agent:su-rev']);
    const denied = await h.call(reviewer, 'deny_request', {
      request_id: high.id,
      reasoning: 'too risky for me',
    });
    expect(ok(denied).request.state).toBe('REJECTED');

    const low = ok(await h.ask(coder, { role: 'deployer', reason: 'deploy', ticket: 'LOW-1' })).request;
    expect(low.step_up).toBe(false);
    const approved = await h.call(reviewer, 'approve_request', { request_id: low.id, reasoning: 'fine' });
    expect(ok(approved).request.state).toBe('ACTIVE');
  });
});
