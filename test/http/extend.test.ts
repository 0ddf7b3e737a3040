/**
 * POST /api/v1alpha1/requests/{id}/extend over the real app with the shipped Rego policies (ADR 0045):
 * an extension of a write role goes to a human and its approval moves the grant's expiry; bad input
 * is 400, someone else's grant 404/403, an ended grant 409, the ceiling 400 naming the key — each
 * with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.js';
import { type Harness, startHarness } from './support/harness.js';

const P = '/api/v1alpha1';

describe.each(testDatabases())('extend over HTTP on %s', (driver) => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let root: string;
  let carol: string;
  beforeAll(async () => {
    h = await startHarness(driver, { config: { requests: { max_total_duration_seconds: 7200 } } });
    alice = await h.token('alice@example.com', ['sre']);
    bob = await h.token('bob@example.com', ['sre-leads']);
    root = await h.token('root@example.com', ['jitsudo-admins']);
    carol = await h.token('carol@example.com', ['sre']);
  });
  afterAll(() => h?.close());

  /** alice's ACTIVE 30-minute grant of admin on sandbox, approved by bob. */
  async function activeGrant(): Promise<{ id: string; expires: string }> {
    const c = await h.call('POST', `${P}/requests`, {
      token: alice,
      body: { provider: 'mock', role: 'admin', resource_scope: 'sandbox', duration: '30m', reason: 'INC-9' },
    });
    const id = c.body.request.id as string;
    const a = await h.call('POST', `${P}/requests/${id}/approve`, { token: bob, body: {} });
    expect(a.body.request.state).toBe('ACTIVE');
    return { id, expires: a.body.request.expires_at };
  }

  it('PENDING for a human, approved → APPLIED, and the grant ends later', async () => {
    const { id, expires } = await activeGrant();
    const e = await h.call('POST', `${P}/requests/${id}/extend`, {
      token: alice,
      body: { duration: '30m', reason: 'INC-9 still open' },
    });
    expect(e.status).toBe(200);
    expect(e.body.request).toMatchObject({
      state: 'PENDING',
      approver_tier: 'human',
      extends_request_id: id,
    });
    const ext = e.body.request.id as string;
    const a = await h.call('POST', `${P}/requests/${ext}/approve`, { token: bob, body: {} });
    expect(a.body.request.state).toBe('APPLIED');
    const g = await h.call('GET', `${P}/requests/${id}`, { token: alice });
    expect(Date.parse(g.body.request.expires_at) - Date.parse(expires)).toBe(30 * 60_000);
    const cred = await h.call('GET', `${P}/requests/${id}/credentials`, { token: alice });
    expect(cred.body.grant.expires_at).toBe(g.body.request.expires_at);
  });

  it('refuses bad input, other people, ended grants and the ceiling — nothing written', async () => {
    const { id } = await activeGrant();
    const before = await h.counts();
    const post = (token: string, body: unknown, rid = id) =>
      h.call('POST', `${P}/requests/${rid}/extend`, { token, body });
    for (const body of [
      { duration: 'forever', reason: 'x' },
      { duration: '-5m', reason: 'x' },
      { duration: '30m' },
      { reason: 'x' },
      { duration: '30m', reason: 'x', break_glass: true },
      'not json',
    ]) {
      const r = await post(alice, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    }
    // The approver sees the grant but may not lengthen it; a stranger does not see it at all.
    expect((await post(bob, { duration: '5m', reason: 'x' })).status).toBe(403);
    expect((await post(carol, { duration: '5m', reason: 'x' })).status).toBe(404);
    const admin = await post(root, { duration: '5m', reason: 'x' });
    expect(admin.status).toBe(403);
    const ceiling = await post(alice, { duration: '2h', reason: 'x' });
    expect(ceiling.status).toBe(400);
    expect(ceiling.body.error.message).toMatch(/requests\.max_total_duration_seconds/);
    expect(ceiling.body.error.details).toMatchObject({
      max_total_duration_seconds: 7200,
      remaining_seconds: 5400,
    });
    expect(
      (await post(alice, { duration: '5m', reason: 'x' }, 'req_00000000000000000000000000')).status,
    ).toBe(404);
    expect(await h.counts()).toEqual(before);

    await h.call('POST', `${P}/requests/${id}/revoke`, { token: alice, body: {} });
    const ended = await post(alice, { duration: '5m', reason: 'x' });
    expect(ended.status).toBe(409);
    expect(ended.body.error.message).toMatch(/only ACTIVE grants can be extended/);
  });

  it('is in the OpenAPI document with its input schema', async () => {
    const doc = (await h.call('GET', '/openapi.json')).body;
    const paths = doc.paths as Record<string, { post?: { operationId?: string } }>;
    const [path] = Object.entries(paths).find(([, v]) => v.post?.operationId === 'extendRequest') ?? [];
    expect(path).toMatch(/\/requests\/\{id\}\/extend$/);
    expect(Object.keys(doc.components.schemas)).toContain('ExtendRequestInput');
  });
});
