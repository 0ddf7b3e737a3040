import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.js';
import { type Harness, startHarness } from './support/harness.js';

const P = '/api/v1alpha1';
const create = (overrides: Record<string, unknown> = {}) => ({
  provider: 'mock',
  role: 'admin',
  resource_scope: 'sandbox',
  duration: '30m',
  reason: 'investigating INC-1',
  ...overrides,
});

describe.each(testDatabases())('request lifecycle over HTTP on %s', (driver) => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let admin: string;
  beforeAll(async () => {
    h = await startHarness(driver);
    alice = await h.token('alice@example.com', ['sre']);
    bob = await h.token('bob@example.com', ['sre-leads']);
    admin = await h.token('root@example.com', ['jitsudo-admins']);
  });
  afterAll(() => h?.close());

  it('create → PENDING (human) → approve by someone else → ACTIVE → credentials → revoke', async () => {
    const c = await h.call('POST', `${P}/requests`, { token: alice, body: create() });
    expect(c.status).toBe(201);
    const id = c.body.request.id as string;
    expect(c.body.request).toMatchObject({
      state: 'PENDING',
      approver_tier: 'human',
      requester: { identity: 'alice@example.com', kind: 'human' },
      duration_seconds: 1800,
    });
    expect(c.text).not.toMatch(/MOCK_|credentials/i);

    const own = await h.call('POST', `${P}/requests/${id}/approve`, { token: alice, body: {} });
    expect(own.status).toBe(403);

    const pending = await h.call('GET', `${P}/requests?pending=true`, { token: bob });
    expect(pending.status).toBe(200);
    expect(pending.body.requests.map((r: { id: string }) => r.id)).toContain(id);

    const ok = await h.call('POST', `${P}/requests/${id}/approve`, { token: bob, body: { comment: 'go' } });
    expect(ok.status).toBe(200);
    expect(ok.body.request.state).toBe('ACTIVE');
    expect(ok.body.request.approvals[0]).toMatchObject({
      approver: 'bob@example.com',
      decision: 'approved',
      comment: 'go',
    });

    const cred = await h.call('GET', `${P}/requests/${id}/credentials`, { token: alice });
    expect(cred.status).toBe(200);
    expect(cred.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(cred.body.grant.credentials).sort()).toEqual([
      'MOCK_ACCESS_KEY',
      'MOCK_SESSION_TOKEN',
    ]);

    for (const who of [bob, admin]) {
      const denied = await h.call('GET', `${P}/requests/${id}/credentials`, { token: who });
      expect([403, 404]).toContain(denied.status);
      expect(denied.text).not.toContain('MOCK_ACCESS_KEY');
    }

    const rv = await h.call('POST', `${P}/requests/${id}/revoke`, { token: alice, body: { reason: 'done' } });
    expect(rv.status).toBe(200);
    expect(rv.body.request.state).toBe('REVOKED');
    const after = await h.call('GET', `${P}/requests/${id}/credentials`, { token: alice });
    expect(after.status).toBe(409);
  });

  it('deny needs a reason and ends REJECTED; a decided request cannot be approved (409)', async () => {
    const id = (await h.call('POST', `${P}/requests`, { token: alice, body: create() })).body.request.id;
    const noReason = await h.call('POST', `${P}/requests/${id}/deny`, { token: bob, body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe('VALIDATION');
    const d = await h.call('POST', `${P}/requests/${id}/deny`, { token: bob, body: { reason: 'not now' } });
    expect(d.status).toBe(200);
    expect(d.body.request.state).toBe('REJECTED');
    const again = await h.call('POST', `${P}/requests/${id}/approve`, { token: admin });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT' });
  });

  it('cancel works for the requester only, with or without a body', async () => {
    const id = (await h.call('POST', `${P}/requests`, { token: alice, body: create() })).body.request.id;
    const byBob = await h.call('POST', `${P}/requests/${id}/cancel`, { token: bob });
    expect([403, 404]).toContain(byBob.status);
    const c = await h.call('POST', `${P}/requests/${id}/cancel`, { token: alice });
    expect(c.status).toBe(200);
    expect(c.body.request.state).toBe('CANCELLED');
  });

  it('an eligibility denial is a 403 POLICY_DENIED carrying the policy reason, and is audited', async () => {
    const before = await h.counts();
    const r = await h.call('POST', `${P}/requests`, { token: bob, body: create() });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('POLICY_DENIED');
    expect(r.body.error.message).toContain('no eligibility rule grants role admin to bob@example.com');
    const after = await h.counts();
    expect(after.requests).toBe(before.requests);
    expect(after.audit_events).toBe(before.audit_events + 1);
  });

  it('auto-approval at trust tier 3 for a read-only role returns ACTIVE at once', async () => {
    await h.setTier('carol@example.com', 3);
    const carol = await h.token('carol@example.com');
    const r = await h.call('POST', `${P}/requests`, {
      token: carol,
      body: create({ role: 'ReadOnlyAccess' }),
    });
    expect(r.status).toBe(201);
    expect(r.body.request).toMatchObject({ state: 'ACTIVE', approver_tier: 'auto' });
  });

  it('lists newest first with cursor pagination and scopes non-admins to their own requests', async () => {
    const dave = await h.token('dave@example.com', ['sre']);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (await h.call('POST', `${P}/requests`, { token: dave, body: create({ reason: `r${i}` }) })).body
          .request.id,
      );
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const q: string = `${P}/requests?page_size=2${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
      const page = await h.call('GET', q, { token: dave });
      expect(page.status).toBe(200);
      expect(page.body.requests.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.requests.map((r: { id: string }) => r.id));
      token = page.body.next_page_token;
    } while (token);
    expect(seen).toEqual([...ids].reverse());
    const mine = await h.call('GET', `${P}/requests?mine=true`, { token: alice });
    expect(
      mine.body.requests.every(
        (r: { requester: { identity: string } }) => r.requester.identity === 'alice@example.com',
      ),
    ).toBe(true);
    const all = await h.call('GET', `${P}/requests?page_size=500`, { token: admin });
    expect(
      all.body.requests.some(
        (r: { requester: { identity: string } }) => r.requester.identity === 'dave@example.com',
      ),
    ).toBe(true);
  });
});
