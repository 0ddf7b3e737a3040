/** approvals_required / approver_groups as the Rego engine reads them (ADR 0044). */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { defaultPolicySources } from '../../../src/core/policy/default-policies.js';
import { loadRegoPolicySet } from '../../../src/core/policy/engine-rego.js';
import type { PolicySource } from '../../../src/core/policy/types.js';
import { policyInput } from './inputs.js';

const withModule = (rego: string): PolicySource[] => [
  ...defaultPolicySources(),
  { name: 'quorum.rego', rego: `package jitsudo.approval\n${rego}` },
];
const decide = (rego: string) =>
  loadRegoPolicySet(withModule(rego)).approval(policyInput({ email: 'alice@example.com', groups: ['sre'] }));

describe('quorum rules of the approval policy', () => {
  it('undefined: one approval from any group (the shipped policies set neither)', () => {
    const d = loadRegoPolicySet(defaultPolicySources()).approval(policyInput({ email: 'a@example.com' }));
    expect(d).toMatchObject({ approvalsRequired: 1, approverGroups: [] });
  });

  it('reads N and a set of groups (an empty set: any group)', () => {
    expect(decide('approvals_required := 3\napprover_groups := {"b", "a"}')).toMatchObject({
      approvalsRequired: 3,
      approverGroups: ['a', 'b'],
    });
    expect(decide('approver_groups contains "x" if false')).toMatchObject({ approverGroups: [] });
    expect(decide('approver_groups := ["db", "db"]')).toMatchObject({ approverGroups: ['db'] });
  });

  it.each([
    ['approvals_required := 0', 'approvals_required'],
    ['approvals_required := 11', 'approvals_required'],
    ['approvals_required := 1.5', 'approvals_required'],
    ['approvals_required := "2"', 'approvals_required'],
    ['approver_groups := "sre"', 'approver_groups'],
    ['approver_groups := {1}', 'approver_groups'],
    ['approver_groups := {""}', 'approver_groups'],
  ])('%s is a POLICY_ERROR naming the rule and module', (rego, rule) => {
    let err: unknown;
    try {
      decide(rego);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'POLICY_ERROR', details: { rule, module: 'quorum.rego' } });
    expect((err as AppError).message).toContain(rule);
  });
});
