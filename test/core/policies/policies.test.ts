import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/core/audit/verify.js';
import { parseConfig } from '../../../src/core/config.js';
import { sqlRows } from '../../../src/core/db/client.js';
import { applyPolicy } from '../../../src/core/policies/apply-policy.js';
import { deletePolicy } from '../../../src/core/policies/delete-policy.js';
import { evalPolicy } from '../../../src/core/policies/eval-policy.js';
import { getPolicy } from '../../../src/core/policies/get-policy.js';
import { listPolicies } from '../../../src/core/policies/list-policies.js';
import { createPolicyStore, type PolicyStore } from '../../../src/core/policies/policy-store.js';
import { reloadPolicies } from '../../../src/core/policies/reload-policies.js';
import type { PolicyInput } from '../../../src/core/policy/types.js';
import { createTestDb, type TestDb, testDatabases } from '../../helpers/db.js';
import { admin, alice, bob, keys } from '../audit/support.js';

const config = parseConfig({ home: '/nonexistent' });

const SRE_ONLY = `package jitsudo.eligibility
default allow := false
allow if "sre" in input.user.groups
reason := "sre only" if not allow
`;
const OPS_TOO = `package jitsudo.eligibility
allow if "ops" in input.user.groups
`;
const ROUTE = `package jitsudo.approval
default allow := false
allow if input.user.email != input.context.requester.email
approver_tier := "auto" if input.request.role == "ReadOnly"
`;

function input(groups: string[], role = 'Admin', email = 'alice@example.com'): PolicyInput {
  return {
    user: { email, groups, kind: 'human' },
    request: {
      provider: 'mock',
      role,
      resource_scope: 'p',
      duration_seconds: 600,
      reason: 'x',
      break_glass: false,
      metadata: {},
    },
    context: {
      trust_tier: 0,
      requester: { email: 'bob@example.com', groups: [], kind: 'human' },
      time: {
        rfc3339: '2026-01-05T09:30:00Z',
        unix_ns: '1767605400000000000',
        weekday: 'Monday',
        hour_utc: 9,
      },
    },
  };
}

describe.each(testDatabases())('policy store on %s', (driver) => {
  let t: TestDb;
  let store: PolicyStore;
  let deps: { db: TestDb['db']; config: typeof config; policies: PolicyStore };
  const dir = mkdtempSync(join(tmpdir(), 'jitsudo-policies-'));
  const audit = async () =>
    sqlRows<{ action: string; actor: string; details: string }>(
      t.db,
      sql`select action, actor, details from audit_events order by id`,
    );
  const count = async (table: string) =>
    (await sqlRows<{ n: number }>(t.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

  beforeAll(async () => {
    t = await createTestDb(driver);
    mkdirSync(join(dir, 'eligibility'));
    writeFileSync(join(dir, 'eligibility', 'sre.rego'), SRE_ONLY);
    writeFileSync(join(dir, 'approval.rego'), ROUTE);
    store = await createPolicyStore({ db: t.db, config, seedDir: dir });
    deps = { db: t.db, config, policies: store };
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('seeds an empty store once, audited as system, and decides with it', async () => {
    const names = (await listPolicies(deps, bob, {})).policies.map((p) => p.name);
    expect(names).toEqual(['approval', 'eligibility.sre']);
    const rows = await audit();
    expect(rows.map((r) => [r.action, r.actor, JSON.parse(r.details).seeded])).toEqual([
      ['policy.applied', 'system', true],
      ['policy.applied', 'system', true],
    ]);
    expect(store.current().eligibility(input(['sre'])).allow).toBe(true);
    expect(store.current().eligibility(input(['dev']))).toMatchObject({ allow: false, reason: 'sre only' });
    await createPolicyStore({ db: t.db, config, seedDir: dir });
    expect(await count('policies')).toBe(2);
  });

  it('applies a new policy: revision, audit row with sha256 (no source), reload, chain verifies', async () => {
    const p = await applyPolicy(deps, admin, { name: 'ops', rego: OPS_TOO, description: 'ops may too' });
    expect(p).toMatchObject({
      name: 'ops',
      revision: 1,
      enabled: true,
      package: 'jitsudo.eligibility',
      unchanged: false,
    });
    expect(p.id).toMatch(/^pol_[0-9A-Z]{26}$/);
    const last = (await audit()).at(-1)!;
    expect(last.action).toBe('policy.applied');
    expect(last.actor).toBe(admin.identity);
    const details = JSON.parse(last.details);
    expect(details).toMatchObject({ name: 'ops', revision: 1, sha256: p.sha256, created: true });
    expect(last.details).not.toContain('input.user.groups');
    expect(store.current().eligibility(input(['ops'])).allow).toBe(true);
    expect((await verifyAuditChain({ db: t.db, keys })).ok).toBe(true);
  });

  it('replaces by name with a new revision, keeps history, and treats identical content as a no-op', async () => {
    const before = (await audit()).length;
    const same = await applyPolicy(deps, admin, { name: 'ops', rego: OPS_TOO });
    expect(same).toMatchObject({ unchanged: true, revision: 1 });
    expect((await audit()).length).toBe(before);
    const v2 = await applyPolicy(deps, admin, { name: 'ops', rego: OPS_TOO, enabled: false });
    expect(v2).toMatchObject({ revision: 2, enabled: false, unchanged: false });
    expect(store.current().eligibility(input(['ops'])).allow).toBe(false);
    expect(await count("policy_revisions where name = 'ops'")).toBe(2);
  });

  it.each([
    ['a non-admin', bob, { name: 'x', rego: OPS_TOO }, 'FORBIDDEN'],
    ['a syntax error', admin, { name: 'x', rego: 'package jitsudo.eligibility\nallow if {' }, 'VALIDATION'],
    [
      'a second default allow',
      admin,
      { name: 'x', rego: 'package jitsudo.eligibility\ndefault allow := true\n' },
      'VALIDATION',
    ],
    ['a name with a slash', admin, { name: 'a/b', rego: OPS_TOO }, 'VALIDATION'],
    ['an empty rego', admin, { name: 'x', rego: '' }, 'VALIDATION'],
    ['an unknown field', admin, { name: 'x', rego: OPS_TOO, type: 'ELIGIBILITY' }, 'VALIDATION'],
    ['a non-boolean enabled', admin, { name: 'x', rego: OPS_TOO, enabled: 'yes' }, 'VALIDATION'],
  ])('refuses %s and changes nothing', async (_what, actor, body, code) => {
    const [a, p, r] = [(await audit()).length, await count('policies'), await count('policy_revisions')];
    await expect(applyPolicy(deps, actor, body)).rejects.toMatchObject({ code });
    expect([(await audit()).length, await count('policies'), await count('policy_revisions')]).toEqual([
      a,
      p,
      r,
    ]);
  });

  it('reports compile errors with their location', async () => {
    const e = await applyPolicy(deps, admin, {
      name: 'bad',
      rego: 'package jitsudo.eligibility\nallow if {',
    }).catch((x) => x);
    expect(e.message).toMatch(/bad\.rego:\d+:\d+/);
  });

  it('gets by id or name and lists with pagination', async () => {
    const byName = await getPolicy(deps, bob, { id: 'ops' });
    expect(byName.rego).toBe(OPS_TOO);
    expect((await getPolicy(deps, bob, { id: byName.id })).name).toBe('ops');
    await expect(getPolicy(deps, bob, { id: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const p1 = await listPolicies(deps, bob, { page_size: 2 });
    expect(p1.policies.map((p) => p.name)).toEqual(['approval', 'eligibility.sre']);
    expect(p1.policies[0]).not.toHaveProperty('rego');
    const p2 = await listPolicies(deps, bob, { page_size: 2, page_token: p1.next_page_token! });
    expect(p2).toMatchObject({ policies: [{ name: 'ops' }], next_page_token: null });
    await expect(listPolicies(deps, bob, { page_token: '!!' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(listPolicies(deps, bob, { page_size: 0 })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('dry-runs the live set and unsaved candidates', async () => {
    expect(await evalPolicy(deps, bob, { type: 'eligibility', input: input(['dev']) })).toMatchObject({
      allow: false,
      reason: 'sre only',
      approver_tier: null,
    });
    expect(await evalPolicy(deps, bob, { type: 'approval', input: input([], 'ReadOnly') })).toMatchObject({
      allow: true,
      approver_tier: 'auto',
    });
    const withOps = await evalPolicy(deps, admin, {
      input: input(['ops']),
      candidate: { name: 'ops2', rego: OPS_TOO },
    });
    expect(withOps.allow).toBe(true);
    const instead = await evalPolicy(deps, admin, {
      input: input(['sre']),
      candidate: { name: 'ops2', rego: OPS_TOO },
      mode: 'instead',
    });
    expect(instead.allow).toBe(false);
    await expect(
      evalPolicy(deps, bob, { input: input(['ops']), candidate: { name: 'x', rego: OPS_TOO } }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(evalPolicy(deps, admin, { input: 'nope' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      evalPolicy(deps, admin, { input: {}, candidate: { name: 'x', rego: 'package p\nallow if {' } }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('deletes with an audit row, keeps history, and refuses non-admins and unknown ids', async () => {
    await expect(deletePolicy(deps, bob, { id: 'ops' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(deletePolicy(deps, admin, { id: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(deletePolicy(deps, admin, { id: '../x' })).rejects.toMatchObject({ code: 'VALIDATION' });
    const out = await deletePolicy(deps, admin, { id: 'ops' });
    expect(out).toMatchObject({ name: 'ops', revision: 3 });
    const last = (await audit()).at(-1)!;
    expect([last.action, JSON.parse(last.details).name]).toEqual(['policy.deleted', 'ops']);
    expect(await count("policy_revisions where name = 'ops' and deleted")).toBe(1);
    await expect(getPolicy(deps, bob, { id: 'ops' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await verifyAuditChain({ db: t.db, keys })).ok).toBe(true);
  });

  it('reloads for admins only; another replica picks up changes', async () => {
    const replica = await createPolicyStore({ db: t.db, config, seedDir: false });
    await applyPolicy(deps, admin, { name: 'ops', rego: OPS_TOO });
    expect(replica.current().eligibility(input(['ops'])).allow).toBe(false);
    await expect(reloadPolicies({ ...deps, policies: replica }, alice, {})).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await reloadPolicies({ ...deps, policies: replica }, admin, {})).toEqual({ policies_loaded: 3 });
    expect(replica.current().eligibility(input(['ops'])).allow).toBe(true);
  });

  it('never reseeds a store whose policies were all deleted', async () => {
    for (const p of (await listPolicies(deps, admin, {})).policies)
      await deletePolicy(deps, admin, { id: p.id });
    const again = await createPolicyStore({ db: t.db, config, seedDir: dir });
    expect(await count('policies')).toBe(0);
    expect(again.current().eligibility(input(['sre'])).allow).toBe(false);
  });
});

describe('the shipped default policies', () => {
  it('seed and compile', async () => {
    const t = await createTestDb('pglite');
    try {
      const store = await createPolicyStore({ db: t.db, config });
      const files = (d: string): number =>
        readdirSync(d, { withFileTypes: true }).reduce(
          (n, e) => n + (e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.rego') ? 1 : 0),
          0,
        );
      const n = (await sqlRows<{ n: number }>(t.db, sql`select count(*)::int as n from policies`))[0]!.n;
      expect(n).toBe(files('policies'));
      expect(store.current().eligibility(input(['sre'])).allow).toBe(true);
    } finally {
      await t.close();
    }
  });
});
