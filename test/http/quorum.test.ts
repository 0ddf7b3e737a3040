/**
 * N-of-M approvals over HTTP with the shipped Rego policies plus test modules (ADR 0044): the view
 * carries approvals_required / approved_by, a second approval by one person is 409 with nothing
 * written, a bad approvals_required is POLICY_ERROR (503) with nothing created, and the policy's
 * input carries the approvals so far.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.js';
import { OTHER_TEAM_SECOND, QUORUM_FROM_METADATA } from '../helpers/test-policies.js';
import { type Harness, startHarness } from './support/harness.js';

const P = '/api/v1alpha1';
const create = (metadata: Record<string, string>) => ({
  provider: 'mock',
  role: 'admin',
  resource_scope: 'sandbox',
  duration: '30m',
  reason: 'INC-7 quorum',
  metadata,
});

describe.each(testDatabases())('quorum approvals over HTTP on %s', (driver) => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let carol: string;
  let dave: string;
  beforeAll(async () => {
    h = await startHarness(driver, { policies: [QUORUM_FROM_METADATA, OTHER_TEAM_SECOND] });
    alice = await h.token('alice@example.com', ['sre']);
    bob = await h.token('bob@example.com', ['sre-leads', 'team-a']);
    carol = await h.token('carol@example.com', ['jitsudo-approvers', 'team-b']);
    dave = await h.token('dave@example.com', ['sre-leads', 'team-a']);
  });
  afterAll(() => h?.close());

  it('2 of 2: PENDING after one, refused twice for the same person (409, only the refusal audited), ACTIVE after two', async () => {
    const c = await h.call('POST', `${P}/requests`, {
      token: alice,
      body: create({ approvals_required: '2' }),
    });
    expect(c.status).toBe(201);
    expect(c.body.request).toMatchObject({ state: 'PENDING', approvals_required: 2, approved_by: [] });
    const id = c.body.request.id as string;
    const one = await h.call('POST', `${P}/requests/${id}/approve`, { token: bob, body: {} });
    expect(one.status).toBe(200);
    expect(one.body.request).toMatchObject({ state: 'PENDING', approved_by: ['bob@example.com'] });
    const before = await h.counts();
    const again = await h.call('POST', `${P}/requests/${id}/approve`, { token: bob, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'CONFLICT',
      details: { approvals: 1, approvals_required: 2 },
    });
    // Only the refusal's audit row is written (ADR 0047).
    expect(await h.counts()).toEqual({ ...before, audit_events: before.audit_events + 1 });
    // Bob approved already: not awaiting him any more, but he still sees it.
    const mine = await h.call('GET', `${P}/requests?pending=true`, { token: bob });
    expect(mine.body.requests.map((r: { id: string }) => r.id)).not.toContain(id);
    expect((await h.call('GET', `${P}/requests/${id}`, { token: bob })).status).toBe(200);
    const two = await h.call('POST', `${P}/requests/${id}/approve`, { token: carol, body: {} });
    expect(two.status).toBe(200);
    expect(two.body.request).toMatchObject({
      state: 'ACTIVE',
      approvals_required: 2,
      approved_by: ['bob@example.com', 'carol@example.com'],
    });
  });

  it('the policy sees the approvals so far: a second approver of the first one’s team is refused', async () => {
    const c = await h.call('POST', `${P}/requests`, {
      token: alice,
      body: create({ approvals_required: '2' }),
    });
    const id = c.body.request.id as string;
    expect((await h.call('POST', `${P}/requests/${id}/approve`, { token: bob, body: {} })).status).toBe(200);
    const sameTeam = await h.call('POST', `${P}/requests/${id}/approve`, { token: dave, body: {} });
    expect([403, 404]).toContain(sameTeam.status);
    const other = await h.call('POST', `${P}/requests/${id}/approve`, { token: carol, body: {} });
    expect(other.body.request.state).toBe('ACTIVE');
  });

  it('approver_groups: someone outside them cannot approve; the view names them', async () => {
    const c = await h.call('POST', `${P}/requests`, {
      token: alice,
      body: create({ approver_groups: 'db-owners' }),
    });
    expect(c.body.request).toMatchObject({ approver_groups: ['db-owners'], approvals_required: 1 });
    const id = c.body.request.id as string;
    const r = await h.call('POST', `${P}/requests/${id}/approve`, { token: bob, body: {} });
    expect(r.status).toBe(404);
    const owner = await h.token('olga@example.com', ['db-owners', 'sre-leads']);
    expect(
      (await h.call('POST', `${P}/requests/${id}/approve`, { token: owner, body: {} })).body.request.state,
    ).toBe('ACTIVE');
  });

  it.each(['0', '11', '1.5'])(
    'approvals_required %s is a policy error (503): nothing is created',
    async (n) => {
      const before = await h.counts();
      const c = await h.call('POST', `${P}/requests`, {
        token: alice,
        body: create({ approvals_required: n }),
      });
      expect(c.status).toBe(503);
      expect(c.body.error).toMatchObject({ code: 'POLICY_ERROR', details: { rule: 'approvals_required' } });
      const after = await h.counts();
      expect(after.requests).toBe(before.requests);
      expect(after.approvals).toBe(before.approvals);
      expect(after.audit_events).toBe(before.audit_events + 1); // its policy.error event
    },
  );
});
