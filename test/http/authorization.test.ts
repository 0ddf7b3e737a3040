/**
 * The authorization matrix, end to end through the API: who may do what to whose request, and
 * which operations are for administrators. Each denied call must leave the database unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.js';
import { type Harness, startHarness } from './support/harness.js';

const P = '/api/v1alpha1';
const body = { provider: 'mock', role: 'admin', resource_scope: 's', reason: 'matrix' };

describe.each(testDatabases())('authorization matrix on %s', (driver) => {
  let h: Harness;
  const t: Record<'owner' | 'peer' | 'stranger' | 'admin', string> = {
    owner: '',
    peer: '',
    stranger: '',
    admin: '',
  };
  let pending = '';
  let active = '';
  beforeAll(async () => {
    h = await startHarness(driver);
    t.owner = await h.token('owner@example.com', ['sre']);
    t.peer = await h.token('peer@example.com', ['sre', 'sre-leads']);
    t.stranger = await h.token('stranger@example.com');
    t.admin = await h.token('admin@example.com', ['jitsudo-admins']);
    pending = (await h.call('POST', `${P}/requests`, { token: t.owner, body })).body.request.id;
    active = (await h.call('POST', `${P}/requests`, { token: t.owner, body })).body.request.id;
    await h.call('POST', `${P}/requests/${active}/approve`, { token: t.peer });
  });
  afterAll(() => h?.close());

  type Who = keyof typeof t;
  const denied: [
    what: string,
    who: Who,
    method: string,
    path: () => string,
    payload: unknown,
    status: number,
  ][] = [
    ['approve own request', 'owner', 'POST', () => `/requests/${pending}/approve`, {}, 403],
    ['read credentials of another', 'peer', 'GET', () => `/requests/${active}/credentials`, undefined, 403],
    ['read credentials as admin', 'admin', 'GET', () => `/requests/${active}/credentials`, undefined, 403],
    ['read a request one has no part in', 'stranger', 'GET', () => `/requests/${active}`, undefined, 404],
    [
      "list someone else's requests",
      'stranger',
      'GET',
      () => '/requests?requester=owner%40example.com',
      undefined,
      403,
    ],
    ["cancel someone else's request", 'peer', 'POST', () => `/requests/${pending}/cancel`, {}, 403],
    ["revoke someone else's grant", 'peer', 'POST', () => `/requests/${active}/revoke`, {}, 403],
    [
      'apply a policy',
      'owner',
      'POST',
      () => '/policies',
      { name: 'x', rego: 'package jitsudo.eligibility\n' },
      403,
    ],
    ['delete a policy', 'owner', 'DELETE', () => '/policies/eligibility.sre', undefined, 403],
    ['reload policies', 'owner', 'POST', () => '/admin/reload-policies', undefined, 403],
    ['read the outbox status', 'owner', 'GET', () => '/admin/outbox', undefined, 403],
    [
      'set a trust tier',
      'owner',
      'PUT',
      () => '/principals/owner%40example.com/trust-tier',
      { trust_tier: 4 },
      403,
    ],
    ['read another principal', 'owner', 'GET', () => '/principals/peer%40example.com', undefined, 403],
    ['verify the audit log', 'owner', 'POST', () => '/audit:verify', undefined, 403],
    ['export the audit log', 'owner', 'GET', () => '/audit:export', undefined, 403],
  ];

  it.each(denied)(
    'refuses: %s (%s) → %i… and changes nothing (a refused decision: its audit row only)',
    async (_what, who, method, path, payload, status) => {
      const before = await h.counts();
      const r = await h.call(method, P + path(), { token: t[who], body: payload });
      expect(r.status).toBe(status);
      // A refused decision on a request one can see writes its audit row, and only that (ADR 0047).
      const audited = path().endsWith('/approve') ? 1 : 0;
      expect(await h.counts()).toEqual({ ...before, audit_events: before.audit_events + audited });
    },
  );

  it('allows what each role may do', async () => {
    expect((await h.call('GET', `${P}/requests/${active}/credentials`, { token: t.owner })).status).toBe(200);
    expect((await h.call('GET', `${P}/requests/${active}`, { token: t.peer })).status).toBe(200);
    expect(
      (await h.call('GET', `${P}/requests?requester=owner%40example.com`, { token: t.admin })).status,
    ).toBe(200);
    const tier = await h.call('PUT', `${P}/principals/peer%40example.com/trust-tier`, {
      token: t.admin,
      body: { trust_tier: 2 },
    });
    expect(tier.status).toBe(200);
    expect(
      (await h.call('GET', `${P}/principals/peer%40example.com`, { token: t.admin })).body.principal
        .trust_tier,
    ).toBe(2);
    expect((await h.call('POST', `${P}/audit:verify`, { token: t.admin })).status).toBe(200);
    expect(
      (await h.call('POST', `${P}/requests/${active}/revoke`, { token: t.admin, body: { reason: 'admin' } }))
        .body.request.state,
    ).toBe('REVOKED');
  });
});
