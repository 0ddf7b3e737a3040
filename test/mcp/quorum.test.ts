/**
 * N-of-M approvals through the real MCP SDK client (ADR 0044): with quorumPolicy(2), an AI-reviewed
 * request needs two distinct reviewers; a reviewer's second approval is refused; the read tools show
 * approvals_required and approved_by.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenAuditRow } from '../helpers/audit-chain.js';
import { testDatabases } from '../helpers/db.js';
import { ok, textOf } from '../helpers/mcp-client.js';
import { quorumPolicy } from '../helpers/test-policies.js';
import { type McpHarness, startMcpHarness } from './support/harness.js';

describe.each(testDatabases())('MCP quorum approvals on %s', (driver) => {
  let h: McpHarness;
  let coder: Client; // agent:q-coder, owned by alice
  let rev1: Client; // owned by rita
  let rev2: Client; // owned by ron
  let aliceRev: Client; // owned by alice: never counts for alice's agent's request
  beforeAll(async () => {
    h = await startMcpHarness(driver, { policies: [quorumPolicy(2)] });
    coder = await h.client((await h.agent('q-coder', 'alice@example.com')).token);
    rev1 = await h.client((await h.agent('q-rev1', 'rita@example.com', ['ai-reviewer'])).token);
    rev2 = await h.client((await h.agent('q-rev2', 'ron@example.com', ['ai-reviewer'])).token);
    aliceRev = await h.client((await h.agent('q-alice-rev', 'alice@example.com', ['ai-reviewer'])).token);
  });
  afterAll(() => h?.close());

  it('two reviewers approve; the same one twice and the requester’s own party are refused', async () => {
    const asked = await h.ask(coder, { role: 'deployer', scope: 'dev', reason: 'deploy to dev' });
    expect(textOf(asked)).toContain('PENDING AI review (0 of 2 approvals)');
    const req = ok(asked).request;
    expect(req).toMatchObject({ state: 'PENDING', approver_tier: 'ai_review', approvals_required: 2 });
    const approve = (c: Client) =>
      h.call(c, 'approve_request', { request_id: req.id, reasoning: 'dev deploy, fits the task' });

    const first = await approve(rev1);
    expect(ok(first).request).toMatchObject({ state: 'PENDING', approved_by: ['agent:q-rev1'] });
    expect(textOf(first)).toContain('1 of 2 approvals: agent:q-rev1');
    const midway = await h.call(coder, 'get_request', { request_id: req.id });
    expect(textOf(midway)).toContain('PENDING AI review (1 of 2 approvals: agent:q-rev1)');

    const again = await approve(rev1);
    expect(again.isError).toBe(true);
    expect(textOf(again)).toMatch(/already approved/);
    const own = await approve(aliceRev);
    expect(own.isError).toBe(true);

    // Awaiting rev2, no longer rev1.
    const pending1 = ok(await h.call(rev1, 'list_pending_ai_review'));
    expect(pending1.requests.map((r: { id: string }) => r.id)).not.toContain(req.id);
    const pending2 = ok(await h.call(rev2, 'list_pending_ai_review'));
    expect(pending2.requests.map((r: { id: string }) => r.id)).toContain(req.id);

    const second = ok(await approve(rev2));
    expect(second.request).toMatchObject({ state: 'ACTIVE', approved_by: ['agent:q-rev1', 'agent:q-rev2'] });
    const seen = ok(await h.call(coder, 'get_request', { request_id: req.id })).request;
    expect(seen).toMatchObject({ approvals_required: 2, approved_by: ['agent:q-rev1', 'agent:q-rev2'] });
    const rows = await h.audit(`request_id = '${req.id}' and action like 'request.appro%'`);
    expect(rows.map((r) => [r.action, r.details.approvals, r.details.approvals_required])).toEqual([
      ['request.approval_recorded', 1, 2],
      ['request.approved', 2, 2],
    ]);
    expect(await brokenAuditRow(h.db.db)).toBeNull();
  });
});
