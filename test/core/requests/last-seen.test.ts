import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlRows } from '../../../src/core/db/client.js';
import { testDatabases } from '../../helpers/db.js';
import { type Harness, human, makeHarness, uniq } from './fixtures.js';

describe.each(testDatabases())('principal last seen on %s', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(driver);
  });
  afterAll(async () => {
    await h.close();
  });

  it('creating a request records the requester as seen (tier 0 on first sight)', async () => {
    const alice = human(uniq('alice'), ['sre']);
    await h.core.createRequest(alice, {
      provider: 'mock',
      role: 'admin',
      resource_scope: 'prod',
      duration: '30m',
      reason: 'INC-7 checking',
    });
    const rows = await sqlRows<{ trust_tier: number; last_seen_at: unknown }>(
      h.db,
      sql`select trust_tier, last_seen_at from principals where identity = ${alice.identity}`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.trust_tier).toBe(0);
    expect(rows[0]!.last_seen_at).not.toBeNull();
  });
});
