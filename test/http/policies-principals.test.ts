/** Policy store and principals over HTTP, and who may do what. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.js';
import { policyInput } from '../helpers/policy-input.js';
import { type Harness, startHarness } from './support/harness.js';

const P = '/api/v1alpha1';
const STRICT_APPROVAL = `package jitsudo.approval

import data.jitsudo.lib.roles

# Test: no automatic approval for anyone.
cap contains "human" if true
`;

describe.each(testDatabases())('policies and principals over HTTP on %s', (driver) => {
  let h: Harness;
  let alice: string;
  let admin: string;
  beforeAll(async () => {
    h = await startHarness(driver);
    alice = await h.token('alice@example.com', ['sre']);
    admin = await h.token('root@example.com', ['jitsudo-admins']);
  });
  afterAll(() => h?.close());

  it('lists the seeded policies and reads one with its source, by name', async () => {
    const list = await h.call('GET', `${P}/policies`, { token: alice });
    expect(list.status).toBe(200);
    const names = list.body.policies.map((p: { name: string }) => p.name);
    expect(names).toContain('eligibility.sre');
    expect(list.body.policies[0].rego).toBeUndefined();
    const one = await h.call('GET', `${P}/policies/eligibility.sre`, { token: alice });
    expect(one.status).toBe(200);
    expect(one.body.policy).toMatchObject({
      name: 'eligibility.sre',
      package: 'jitsudo.eligibility',
      enabled: true,
    });
    expect(one.body.policy.rego).toContain('package jitsudo.eligibility');
    expect((await h.call('GET', `${P}/policies/no.such.policy`, { token: alice })).status).toBe(404);
  });

  it('evaluates the live set: allow, reason and approver_tier', async () => {
    const elig = await h.call('POST', `${P}/policies:eval`, {
      token: alice,
      body: { type: 'eligibility', input: policyInput({ email: 'alice@example.com', groups: ['sre'] }) },
    });
    expect(elig.status).toBe(200);
    expect(elig.body).toMatchObject({ allow: true, reason: 'member of group sre' });
    const denied = await h.call('POST', `${P}/policies:eval`, {
      token: alice,
      body: { input: policyInput({}) },
    });
    expect(denied.body.allow).toBe(false);
    expect(denied.body.reason).toContain('no eligibility rule grants role admin');
    const appr = await h.call('POST', `${P}/policies:eval`, {
      token: alice,
      body: { type: 'approval', input: policyInput({}, { role: 'ReadOnlyAccess' }, 3) },
    });
    expect(appr.body.approver_tier).toBe('auto');
  });

  it('applies, evaluates an unsaved candidate, and deletes — admins only, audited', async () => {
    const before = await h.counts();
    const body = { name: 'approval.strict', rego: STRICT_APPROVAL, description: 'no auto' };
    const denied = await h.call('POST', `${P}/policies`, { token: alice, body });
    expect(denied.status).toBe(403);
    expect(await h.counts()).toEqual(before);

    const candidate = await h.call('POST', `${P}/policies:eval`, {
      token: admin,
      body: {
        type: 'approval',
        input: policyInput({}, { role: 'ReadOnlyAccess' }, 3),
        candidate: { name: 'approval.strict', rego: STRICT_APPROVAL },
      },
    });
    expect(candidate.body.approver_tier).toBe('human');
    const candidateByAlice = await h.call('POST', `${P}/policies:eval`, {
      token: alice,
      body: {
        type: 'approval',
        input: policyInput({}),
        candidate: { name: 'approval.strict', rego: STRICT_APPROVAL },
      },
    });
    expect(candidateByAlice.status).toBe(403);

    const applied = await h.call('POST', `${P}/policies`, { token: admin, body });
    expect(applied.status).toBe(200);
    expect(applied.body.policy).toMatchObject({
      name: 'approval.strict',
      revision: 1,
      updated_by: 'root@example.com',
    });
    const after = await h.counts();
    expect(after.policies).toBe(before.policies + 1);
    expect(after.audit_events).toBeGreaterThan(before.audit_events);

    const broken = await h.call('POST', `${P}/policies`, {
      token: admin,
      body: { name: 'broken', rego: 'package jitsudo.eligibility\nallow if {' },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('VALIDATION');

    expect((await h.call('DELETE', `${P}/policies/approval.strict`, { token: alice })).status).toBe(403);
    const del = await h.call('DELETE', `${P}/policies/approval.strict`, { token: admin });
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ name: 'approval.strict' });
    expect((await h.call('DELETE', `${P}/policies/approval.strict`, { token: admin })).status).toBe(404);
  });

  it('reload-policies is admin only', async () => {
    expect((await h.call('POST', `${P}/admin/reload-policies`, { token: alice })).status).toBe(403);
    const r = await h.call('POST', `${P}/admin/reload-policies`, { token: admin });
    expect(r.status).toBe(200);
    expect(r.body.policies_loaded).toBeGreaterThan(0);
  });

  it('trust tiers: admins set them (audited), nobody else; a tier changes routing', async () => {
    const carol = await h.token('carol@example.com');
    const ro = { provider: 'mock', role: 'ReadOnlyAccess', resource_scope: 's', reason: 'look' };
    expect((await h.call('POST', `${P}/requests`, { token: carol, body: ro })).body.request.state).toBe(
      'PENDING',
    );

    const before = await h.counts();
    const self = await h.call('PUT', `${P}/principals/carol%40example.com/trust-tier`, {
      token: carol,
      body: { trust_tier: 4 },
    });
    expect(self.status).toBe(403);
    for (const bad of [{ trust_tier: 5 }, { trust_tier: -1 }, { trust_tier: '3' }, { trust_tier: 1.5 }, {}])
      expect(
        (await h.call('PUT', `${P}/principals/carol%40example.com/trust-tier`, { token: admin, body: bad }))
          .status,
      ).toBe(400);
    expect(await h.counts()).toEqual(before);

    const set = await h.call('PUT', `${P}/principals/carol%40example.com/trust-tier`, {
      token: admin,
      body: { trust_tier: 3, notes: 'on call' },
    });
    expect(set.status).toBe(200);
    expect(set.body.principal).toMatchObject({ identity: 'carol@example.com', trust_tier: 3 });
    expect((await h.counts()).audit_events).toBeGreaterThan(before.audit_events);
    expect((await h.call('POST', `${P}/requests`, { token: carol, body: ro })).body.request.state).toBe(
      'ACTIVE',
    );

    expect(
      (await h.call('GET', `${P}/principals/carol%40example.com`, { token: carol })).body.principal
        .trust_tier,
    ).toBe(3);
    expect((await h.call('GET', `${P}/principals/carol%40example.com`, { token: alice })).status).toBe(403);
    expect((await h.call('GET', `${P}/principals/nobody%40example.com`, { token: admin })).status).toBe(404);
  });
});
