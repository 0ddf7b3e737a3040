import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/actor.js';
import { verifyAuditChain } from '../../../src/core/audit/verify.js';
import { sqlRows } from '../../../src/core/db/client.js';
import { getPrincipal } from '../../../src/core/principals/get-principal.js';
import { setTrustTier } from '../../../src/core/principals/set-trust-tier.js';
import { touchPrincipal } from '../../../src/core/principals/touch-principal.js';
import { createTestDb, type TestDb, testDatabases } from '../../helpers/db.js';
import { admin, alice, bob, keys } from '../audit/support.js';

const agent: Actor = {
  identity: 'agent:deploy-bot',
  kind: 'agent',
  groups: [],
  scopes: ['requester'],
  isAdmin: false,
  agent: { id: 'agt_01J9Z7X3R4T5V6W7X8Y9Z0ABCD', name: 'deploy-bot', owner: 'bob@example.com' },
};

describe.each(testDatabases())('principals on %s', (driver) => {
  let t: TestDb;
  const auditRows = async () =>
    sqlRows<{ action: string; actor: string; details: string }>(
      t.db,
      sql`select action, actor, details from audit_events order by id`,
    );
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t?.close());

  it('sets a trust tier with an audit row carrying old and new tier; the chain verifies', async () => {
    const p1 = await setTrustTier({ db: t.db }, admin, { identity: alice.identity, trust_tier: 3 });
    expect(p1).toMatchObject({
      identity: alice.identity,
      kind: 'human',
      trust_tier: 3,
      enrolled_by: admin.identity,
    });
    const p2 = await setTrustTier({ db: t.db }, admin, {
      identity: alice.identity,
      trust_tier: 4,
      notes: 'on call',
    });
    expect(p2).toMatchObject({ trust_tier: 4, notes: 'on call' });
    const rows = (await auditRows()).filter((r) => r.action === 'principal.trust_tier_set');
    expect(rows.map((r) => JSON.parse(r.details))).toEqual([
      { identity: alice.identity, old_tier: null, new_tier: 3 },
      { identity: alice.identity, old_tier: 3, new_tier: 4, notes: 'on call' },
    ]);
    expect(rows.every((r) => r.actor === admin.identity)).toBe(true);
    expect((await verifyAuditChain({ db: t.db, keys })).ok).toBe(true);
  });

  it('gives agents the agent kind, keyed to the agent id', async () => {
    await t.db.execute(sql`insert into agents (id, name, owner, created_by, token_hash)
      values (${agent.agent!.id}, 'deploy-bot', 'bob@example.com', 'bob@example.com', 'deploy-bot-hash')`);
    expect(
      await setTrustTier({ db: t.db }, admin, { identity: agent.identity, trust_tier: 1 }),
    ).toMatchObject({
      kind: 'agent',
      agent_id: agent.agent!.id,
    });
  });

  it.each([
    ['a non-admin', bob, { identity: alice.identity, trust_tier: 0 }, 'FORBIDDEN'],
    ['an admin on themselves', admin, { identity: admin.identity, trust_tier: 4 }, 'FORBIDDEN'],
    ['tier 5', admin, { identity: bob.identity, trust_tier: 5 }, 'VALIDATION'],
    ['tier -1', admin, { identity: bob.identity, trust_tier: -1 }, 'VALIDATION'],
    ['tier 2.5', admin, { identity: bob.identity, trust_tier: 2.5 }, 'VALIDATION'],
    ['a string tier', admin, { identity: bob.identity, trust_tier: '3' }, 'VALIDATION'],
    ['an identity with spaces', admin, { identity: 'bob @x', trust_tier: 1 }, 'VALIDATION'],
    ['an unknown field', admin, { identity: bob.identity, trust_tier: 1, role: 'x' }, 'VALIDATION'],
    ['no input', admin, undefined, 'VALIDATION'],
  ])('refuses %s and changes nothing', async (_what, actor, input, code) => {
    const before = await auditRows();
    const principals = await sqlRows(t.db, sql`select * from principals order by identity`);
    await expect(setTrustTier({ db: t.db }, actor, input)).rejects.toMatchObject({ code });
    expect(await auditRows()).toEqual(before);
    expect(await sqlRows(t.db, sql`select * from principals order by identity`)).toEqual(principals);
  });

  it('reads yourself or, for admins, anyone', async () => {
    expect(await getPrincipal({ db: t.db }, alice, { identity: alice.identity })).toMatchObject({
      trust_tier: 4,
    });
    expect(await getPrincipal({ db: t.db }, admin, { identity: alice.identity })).toMatchObject({
      trust_tier: 4,
    });
    await expect(getPrincipal({ db: t.db }, bob, { identity: alice.identity })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(getPrincipal({ db: t.db }, admin, { identity: 'nobody@example.com' })).rejects.toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    );
    await expect(getPrincipal({ db: t.db }, admin, { identity: '' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('touches last-seen at most once a minute, creating tier-0 principals, never for system', async () => {
    const t0 = new Date('2026-01-01T10:00:00Z');
    const at = (s: number) => () => new Date(t0.getTime() + s * 1000);
    expect(
      await touchPrincipal({ db: t.db, now: at(0) }, { identity: 'carol@example.com', kind: 'human' }),
    ).toBe(true);
    expect(
      await touchPrincipal({ db: t.db, now: at(30) }, { identity: 'carol@example.com', kind: 'human' }),
    ).toBe(false);
    expect(
      await touchPrincipal({ db: t.db, now: at(61) }, { identity: 'carol@example.com', kind: 'human' }),
    ).toBe(true);
    const carol = await getPrincipal({ db: t.db }, admin, { identity: 'carol@example.com' });
    expect(carol).toMatchObject({ trust_tier: 0, kind: 'human', last_seen_at: at(61)().toISOString() });
    expect(await touchPrincipal({ db: t.db }, { identity: 'system', kind: 'system' })).toBe(false);
    await expect(getPrincipal({ db: t.db }, admin, { identity: 'system' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
