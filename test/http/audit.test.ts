import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditExport } from '../../src/core/audit/verify-export.js';
import { testDatabases } from '../helpers/db.js';
import { type Harness, startHarness } from './support/harness.js';

const P = '/api/v1alpha1';

describe.each(testDatabases())('audit over HTTP on %s', (driver) => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let admin: string;
  let id: string;
  beforeAll(async () => {
    h = await startHarness(driver);
    alice = await h.token('alice@example.com', ['sre']);
    bob = await h.token('bob@example.com', ['sre-leads']);
    admin = await h.token('root@example.com', ['jitsudo-admins']);
    const body = { provider: 'mock', role: 'admin', resource_scope: 's', reason: 'audit test' };
    id = (await h.call('POST', `${P}/requests`, { token: alice, body })).body.request.id;
    await h.call('POST', `${P}/requests/${id}/approve`, { token: bob });
    await h.call('GET', `${P}/requests/${id}/credentials`, { token: alice });
    for (let i = 0; i < 3; i++) await h.call('POST', `${P}/requests`, { token: bob, body });
  });
  afterAll(() => h?.close());

  it('lists newest first, filters, and pages with page_size/page_token', async () => {
    const r = await h.call('GET', `${P}/audit?request_id=${id}`, { token: admin });
    expect(r.status).toBe(200);
    const actions = r.body.events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['credentials.retrieved', 'grant.issued', 'request.approved', 'request.created']);
    expect(r.body.events[0]).toMatchObject({
      request_id: id,
      outcome: 'success',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const seen: number[] = [];
    let token: string | null = null;
    do {
      const page: { body: { events: { id: number }[]; next_page_token: string | null } } = await h.call(
        'GET',
        `${P}/audit?page_size=2${token ? `&page_token=${token}` : ''}`,
        { token: admin },
      );
      seen.push(...page.body.events.map((e) => e.id));
      token = page.body.next_page_token;
    } while (token);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('scopes a non-admin to their own trail, and never shows credentials', async () => {
    const r = await h.call('GET', `${P}/audit?page_size=1000`, { token: bob });
    expect(r.status).toBe(200);
    for (const e of r.body.events as { actor: string; request_id: string | null }[])
      expect(e.actor === 'bob@example.com' || e.request_id !== null).toBe(true);
    const all = await h.call('GET', `${P}/audit?page_size=1000`, { token: admin });
    expect(all.text).not.toMatch(/mock-access-key|mock-session-token/);
  });

  it('verifies for admins only', async () => {
    const ok = await h.call('POST', `${P}/audit:verify`, { token: admin });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, first_broken: null });
    expect(ok.body.rows_checked).toBeGreaterThanOrEqual(7);
    expect((await h.call('POST', `${P}/audit:verify`, { token: alice })).status).toBe(403);
  });

  it('exports JSON Lines that verify offline; a non-admin gets a clean 403', async () => {
    const res = await h.app.request(`${P}/audit:export`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text()).split('\n').filter(Boolean);
    expect(JSON.parse(lines[0]!).type).toBe('header');
    const report = await verifyAuditExport(lines);
    expect(report.ok).toBe(true);
    const tampered = lines.map((l) => l.replace('"audit test"', '"innocent"'));
    expect((await verifyAuditExport(tampered)).ok).toBe(false);
    const denied = await h.call('GET', `${P}/audit:export`, { token: alice });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
  });

  it.each([
    ['since=yesterday', 400],
    ['page_size=0', 400],
    ['page_size=5000', 400],
    ['page_token=%%%', 400],
    ['bogus=1', 200],
  ])('answers query %s with %i', async (q, status) => {
    const r = await h.call('GET', `${P}/audit?${q}`, { token: admin });
    expect(r.status).toBe(status);
  });
});
