import { describe, expect, it } from 'vitest';
import { catalogPolicyData } from '../../../src/core/policy/catalog-data.js';
import { defaultPolicySources } from '../../../src/core/policy/default-policies.js';
import { loadRegoPolicySet } from '../../../src/core/policy/engine-rego.js';
import { policyInput } from './inputs.js';

const set = loadRegoPolicySet(defaultPolicySources());
const HOUR = 3600;

describe('default policies: eligibility', () => {
  it('loads every file under policies/ and declares both packages', () => {
    expect(defaultPolicySources().map((s) => s.name)).toContain('eligibility/sre.rego');
    expect(set.packages).toEqual(expect.arrayContaining(['jitsudo.eligibility', 'jitsudo.approval']));
  });

  it('lets SREs request any role for up to 4 h', () => {
    const ok = set.eligibility(
      policyInput({ groups: ['sre'], role: 'AdministratorAccess', duration: 4 * HOUR }),
    );
    expect(ok).toMatchObject({ allow: true, reason: 'member of group sre', defined: true });
    expect(ok.decidedBy).toContain('eligibility/base.rego');
    const long = set.eligibility(
      policyInput({ groups: ['sre'], role: 'AdministratorAccess', duration: 4 * HOUR + 1 }),
    );
    expect(long.allow).toBe(false);
    expect(long.reason).toMatch(/exceeds the maximum of 14400s/);
  });

  it('denies a non-SRE a role that can write, saying why', () => {
    const d = set.eligibility(policyInput({ groups: ['dev'], role: 'ReadWriteAccess' }));
    expect(d.allow).toBe(false);
    expect(d.reason).toBe('no eligibility rule grants role ReadWriteAccess to alice@example.com');
    expect(d.reasons).toEqual([d.reason]);
  });

  it('lets anyone request a read-only role', () => {
    for (const role of ['ReadOnlyAccess', 'roles/viewer', 'Reader', 'view']) {
      expect(set.eligibility(policyInput({ role, trustTier: 0 })).allow, role).toBe(true);
    }
  });

  it('allows break-glass only at trust tier 4', () => {
    const t3 = set.eligibility(
      policyInput({ groups: ['sre'], role: 'AdministratorAccess', breakGlass: true, trustTier: 3 }),
    );
    expect(t3.allow).toBe(false);
    expect(t3.reason).toBe('break-glass requires trust tier 4 (this principal has tier 3)');
    const t4 = set.eligibility(policyInput({ role: 'AdministratorAccess', breakGlass: true, trustTier: 4 }));
    expect(t4).toMatchObject({ allow: true, reason: 'break-glass by a trust tier 4 principal' });
  });
});

describe('default policies: approval routing', () => {
  const tier = (o: Parameters<typeof policyInput>[0]) => set.approval(policyInput(o)).approverTier;

  it('auto-approves read-only roles from trust tier 3', () => {
    expect(tier({ role: 'ReadOnlyAccess', trustTier: 3 })).toBe('auto');
    expect(tier({ role: 'ReadOnlyAccess', trustTier: 4 })).toBe('auto');
    expect(tier({ role: 'ReadOnlyAccess', trustTier: 2 })).toBe('human');
  });

  it('sends everything else to a human', () => {
    expect(tier({ groups: ['sre'], role: 'AdministratorAccess', trustTier: 4 })).toBe('human');
    expect(tier({ role: 'ReadWriteAccess', trustTier: 3 })).toBe('human');
  });

  it('routes an agent asking for a role that can write to ai_review, never auto', () => {
    expect(tier({ kind: 'agent', role: 'AdministratorAccess', trustTier: 4 })).toBe('ai_review');
    expect(tier({ kind: 'agent', role: 'AdministratorAccess', trustTier: 4, breakGlass: true })).toBe(
      'ai_review',
    );
    expect(tier({ kind: 'agent', role: 'ReadOnlyAccess', trustTier: 3 })).toBe('auto');
    expect(tier({ kind: 'agent', role: 'ReadOnlyAccess', trustTier: 1 })).toBe('human');
  });

  it('auto-routes break-glass by a tier 4 human', () => {
    expect(tier({ groups: ['sre'], role: 'AdministratorAccess', trustTier: 4, breakGlass: true })).toBe(
      'auto',
    );
  });
});

describe('default policies: who may approve', () => {
  const requester = { email: 'bob@example.com', groups: ['dev'], kind: 'human' as const };

  it('lets someone other than the requester approve', () => {
    expect(set.approval(policyInput({ email: 'carol@example.com', requester })).allow).toBe(true);
  });

  it('refuses self-approval, with a reason (case-insensitive e-mail match)', () => {
    const d = set.approval(policyInput({ email: 'Bob@Example.com', requester }));
    expect(d).toMatchObject({ allow: false, reason: 'an approver may not approve their own request' });
  });

  it('refuses when the input names no requester', () => {
    const d = set.approval(policyInput({ email: 'carol@example.com' }));
    expect(d.allow).toBe(false);
    expect(d.reason).toMatch(/names no requester/);
  });
});

describe('default policies: read-only is declared, never guessed from the name', () => {
  const requester = { email: 'bob@example.com', groups: ['dev'], kind: 'human' as const };
  // Each name contains "read" or "view" and can change things.
  const lookalikes = ['preview-deployer', 'spreadsheet-deleter', 'ReviewerAdmin', 'thread-writer', 'readers'];

  it('does not let just anyone request a role whose name merely contains read or view', () => {
    for (const role of lookalikes) {
      const d = set.eligibility(policyInput({ role, trustTier: 4 }));
      expect(d.allow, role).toBe(false);
      expect(d.reason, role).toBe(`no eligibility rule grants role ${role} to alice@example.com`);
    }
  });

  it('does not let any other account approve such a role, nor route it to auto', () => {
    for (const role of lookalikes) {
      const d = set.approval(policyInput({ email: 'carol@example.com', role, trustTier: 0, requester }));
      expect(d.allow, role).toBe(false);
      expect(d.reason, role).toMatch(/needs membership of group sre-leads or jitsudo-approvers/);
      expect(set.approval(policyInput({ role, trustTier: 4 })).approverTier, role).toBe('human');
    }
  });

  it('treats the roles on the explicit list as read-only, by exact name', () => {
    for (const role of [
      'ReadOnlyAccess',
      'ViewOnlyAccess',
      'roles/viewer',
      'Reader',
      'view',
      'ClusterRole/view',
    ]) {
      expect(set.eligibility(policyInput({ role, trustTier: 0 })).allow, role).toBe(true);
      const approval = set.approval(
        policyInput({ email: 'carol@example.com', role, trustTier: 0, requester }),
      );
      expect(approval.allow, role).toBe(true);
    }
    // Case matters: "readonlyaccess" is not on the list.
    expect(set.eligibility(policyInput({ role: 'readonlyaccess', trustTier: 0 })).allow).toBe(false);
  });

  it('treats a catalog entry marked read_only as read-only, for its provider only', () => {
    const withCatalog = loadRegoPolicySet(defaultPolicySources(), {
      data: catalogPolicyData([
        { provider: 'mock', role: 'preview-deployer', read_only: false },
        { provider: 'mock', role: 'report-runner', read_only: true },
      ]),
    });
    const on = (provider: string, role: string) =>
      withCatalog.eligibility(policyInput({ provider, role, trustTier: 0 })).allow;
    expect(on('mock', 'report-runner')).toBe(true);
    expect(on('aws', 'report-runner')).toBe(false);
    expect(on('mock', 'preview-deployer')).toBe(false);
    expect(
      withCatalog.approval(policyInput({ provider: 'mock', role: 'report-runner', trustTier: 3 }))
        .approverTier,
    ).toBe('auto');
  });
});
