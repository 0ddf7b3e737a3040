import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPrincipals } from '../../../src/core/principals/list-principals.js';
import { touchPrincipal } from '../../../src/core/principals/touch-principal.js';
import { encodePageToken } from '../../../src/core/validation/page-token.js';
import { createTestDb, type TestDb, testDatabases } from '../../helpers/db.js';
import { admin, alice } from '../audit/support.js';

const t0 = Date.parse('2026-03-01T10:00:00.000Z');
const seen = (identity: string, s: number, kind: 'human' | 'service' = 'human') => ({
  identity,
  kind,
  at: new Date(t0 + s * 1000),
});

describe.each(testDatabases())('listPrincipals on %s', (driver) => {
  let t: TestDb;
  const list = (input: unknown) => listPrincipals({ db: t.db }, admin, input);
  beforeAll(async () => {
    t = await createTestDb(driver);
    const rows = [
      seen('p1@example.com', 1),
      seen('p2@example.com', 2),
      seen('p3@example.com', 3),
      seen('service:ci', 3, 'service'), // same second as p3: the identity breaks the tie
      seen('p5@example.com', 5),
    ];
    for (const r of rows)
      await touchPrincipal({ db: t.db, now: () => r.at }, { identity: r.identity, kind: r.kind });
    // A microsecond part the cursor cannot carry must not make paging skip or repeat the row.
    await t.db.execute(
      sql`update principals set last_seen_at = last_seen_at + interval '0.000456 seconds', trust_tier = 3 where identity = 'p2@example.com'`,
    );
  });
  afterAll(() => t?.close());

  it('lists newest seen first and pages through every row exactly once', async () => {
    const all = await list({});
    expect(all.principals.map((p) => p.identity)).toEqual([
      'p5@example.com',
      'service:ci',
      'p3@example.com',
      'p2@example.com',
      'p1@example.com',
    ]);
    expect(all.next_page_token).toBeNull();
    const paged: string[] = [];
    let page_token: string | undefined;
    do {
      const page = await list({ page_size: 2, ...(page_token ? { page_token } : {}) });
      expect(page.principals.length).toBeLessThanOrEqual(2);
      paged.push(...page.principals.map((p) => p.identity));
      page_token = page.next_page_token ?? undefined;
    } while (page_token);
    expect(paged).toEqual(all.principals.map((p) => p.identity));
  });

  it('filters by kind and minimum tier', async () => {
    expect((await list({ kind: 'service' })).principals.map((p) => p.identity)).toEqual(['service:ci']);
    expect((await list({ min_tier: 3 })).principals).toMatchObject([
      { identity: 'p2@example.com', trust_tier: 3 },
    ]);
    expect((await list({ kind: 'agent' })).principals).toEqual([]);
  });

  it('is for administrators only', async () => {
    await expect(listPrincipals({ db: t.db }, alice, {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it.each([
    ['page_size 0', { page_size: 0 }],
    ['page_size 1001', { page_size: 1001 }],
    ['min_tier 5', { min_tier: 5 }],
    ['kind system', { kind: 'system' }],
    ['an unknown field', { owner: 'x' }],
    ['a token that is not base64url', { page_token: 'a b' }],
    ['a token without a cursor', { page_token: encodePageToken('hello') }],
    ['a token with a bad time', { page_token: encodePageToken('2026-13-01T00:00:00.000Z|a@b') }],
    ['a token with a bad identity', { page_token: encodePageToken('2026-03-01T10:00:00.000Z|a b') }],
    ['a token with year 0000', { page_token: encodePageToken('0000-01-01T00:00:00.000Z|a@b') }],
  ])('refuses %s as VALIDATION', async (_what, input) => {
    await expect(list(input)).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
