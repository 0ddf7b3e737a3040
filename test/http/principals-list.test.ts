/** GET /principals and the principal verbs' refusals over HTTP (the tier itself: policies-principals). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.js';
import { type Harness, startHarness } from './support/harness.js';

const P = '/api/v1alpha1';

describe.each(testDatabases())('GET /principals on %s', (driver) => {
  let h: Harness;
  let alice: string;
  let admin: string;
  beforeAll(async () => {
    h = await startHarness(driver);
    alice = await h.token('alice@example.com', ['sre']);
    admin = await h.token('root@example.com', ['jitsudo-admins']);
    // Principals exist once seen or tiered; set two tiers so the list has rows of its own.
    for (const [who, trust_tier] of [
      ['alice%40example.com', 1],
      ['dora%40example.com', 2],
    ] as const)
      expect(
        (
          await h.call('PUT', `${P}/principals/${who}/trust-tier`, {
            token: admin,
            body: { trust_tier, notes: 'on call' },
          })
        ).status,
      ).toBe(200);
  });
  afterAll(() => h?.close());

  it('lists principals for admins, newest seen first, with filters and paging', async () => {
    const all = await h.call('GET', `${P}/principals`, { token: admin });
    expect(all.status).toBe(200);
    const ids = all.body.principals.map((p: { identity: string }) => p.identity);
    expect(ids).toEqual(expect.arrayContaining(['alice@example.com', 'dora@example.com']));
    const seen = all.body.principals.map((p: { last_seen_at: string }) => p.last_seen_at);
    expect([...seen].sort().reverse()).toEqual(seen);

    const tiered = await h.call('GET', `${P}/principals?min_tier=2&kind=human`, { token: admin });
    expect(tiered.body.principals).toMatchObject([
      { identity: 'dora@example.com', trust_tier: 2, notes: 'on call' },
    ]);

    const first = await h.call('GET', `${P}/principals?page_size=1`, { token: admin });
    expect(first.body.principals).toHaveLength(1);
    expect(first.body.next_page_token).toEqual(expect.any(String));
    const second = await h.call(
      'GET',
      `${P}/principals?page_size=1&page_token=${first.body.next_page_token}`,
      { token: admin },
    );
    expect(second.body.principals[0].identity).toBe(ids[1]);
  });

  it('refuses non-admins (403 FORBIDDEN) and anonymous callers (401)', async () => {
    const r = await h.call('GET', `${P}/principals`, { token: alice });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
    expect((await h.call('GET', `${P}/principals`)).status).toBe(401);
  });

  it.each([
    'page_size=0',
    'page_size=x',
    'min_tier=5',
    'min_tier=-1',
    'kind=system',
    'page_token=bm90LW91cnM',
    'page_token=%00',
  ])('answers 400 VALIDATION for %s and changes nothing', async (q) => {
    const before = await h.counts();
    const r = await h.call('GET', `${P}/principals?${q}`, { token: admin });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION');
    expect(await h.counts()).toEqual(before);
  });
});
