/** Probing policy for the longest allowed duration and the nearest alternatives (no database). */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config.js';
import { nearestAlternatives } from '../../../src/core/eligible/alternatives.js';
import { longestAllowed, type Probe } from '../../../src/core/eligible/probe.js';
import type { ApprovalDecision, Decision, PolicyInput, PolicySet } from '../../../src/core/policy/types.js';

/** Allows read roles up to `cap` seconds, `deployer` only on dev; counts evaluations; routes read → auto. */
function policies(cap: number, counter = { n: 0 }): PolicySet {
  const d = (allow: boolean): Decision => ({
    allow,
    reason: allow ? 'ok' : 'no',
    reasons: [],
    decidedBy: [],
    defined: true,
  });
  return {
    engine: 'rego',
    eligibility(i: PolicyInput) {
      counter.n++;
      const r = i.request;
      if (r.break_glass) return d(false);
      const roleOk = r.role.startsWith('read') || (r.role === 'deployer' && r.resource_scope === 'dev');
      return d(roleOk && r.duration_seconds <= cap);
    },
    approval(i: PolicyInput): ApprovalDecision {
      return { ...d(true), approverTier: i.request.role.startsWith('read') ? 'auto' : 'human' };
    },
  };
}

const request = (o: Partial<PolicyInput['request']> = {}): PolicyInput['request'] => ({
  provider: 'mock',
  role: 'deployer',
  resource_scope: 'dev',
  duration_seconds: 3600,
  reason: 'r',
  break_glass: false,
  metadata: {},
  ...o,
});

const probe = (set: PolicySet): Probe => ({
  policies: set,
  user: { email: 'a@b.c', groups: [], kind: 'human' },
  trustTier: 0,
  now: new Date('2030-01-01T00:00:00Z'),
});

describe('longestAllowed', () => {
  it('finds the cap to the minute, in one evaluation when the ceiling itself is allowed', () => {
    const counter = { n: 0 };
    const p = probe(policies(5400, counter));
    expect(longestAllowed(p, request(), 604800)).toBe(5400);
    expect(counter.n).toBeLessThan(20);
    counter.n = 0;
    expect(longestAllowed(p, request(), 3600)).toBe(3600);
    expect(counter.n).toBe(1);
    expect(longestAllowed(p, request({ role: 'admin' }), 3600)).toBeNull();
    expect(longestAllowed(probe(policies(30)), request(), 3600)).toBeNull(); // not even a minute
  });

  it('treats a policy that throws as a denial', () => {
    const broken: PolicySet = {
      ...policies(3600),
      eligibility() {
        throw new Error('eval_conflict_error');
      },
    };
    expect(longestAllowed(probe(broken), request(), 3600)).toBeNull();
  });
});

describe('nearestAlternatives', () => {
  const config = parseConfig({
    home: '/x',
    catalog: [
      { provider: 'mock', role: 'deployer', scopes: ['dev', 'prod'] },
      { provider: 'mock', role: 'reader', scopes: ['prod', 'dev'] },
      { provider: 'other', role: 'reader', scopes: ['dev'] },
    ],
  });
  const providers = { has: (n: string) => n === 'mock' };

  it('offers the same access for less time first, then catalog roles: same scope, least friction first', () => {
    const alts = nearestAlternatives(
      probe(policies(1800)),
      config,
      providers,
      request({ resource_scope: 'prod' }),
    );
    expect(alts.map((a) => `${a.role}@${a.resource_scope}/${a.duration_seconds}/${a.approver_tier}`)).toEqual(
      ['reader@prod/1800/auto', 'reader@dev/1800/auto', 'deployer@dev/1800/human'],
    );
    const shorter = nearestAlternatives(probe(policies(1800)), config, providers, request());
    expect(shorter[0]).toMatchObject({ role: 'deployer', resource_scope: 'dev', duration_seconds: 1800 });
    expect(shorter[0]!.why).toMatch(/at most 1800 seconds/);
  });

  it('suggests dropping break-glass when the normal request is allowed, and skips unconfigured providers', () => {
    const alts = nearestAlternatives(
      probe(policies(7200)),
      config,
      providers,
      request({ break_glass: true }),
    );
    expect(alts[0]).toMatchObject({
      break_glass: false,
      role: 'deployer',
      why: expect.stringMatching(/without break-glass/),
    });
    expect(alts.every((a) => a.provider === 'mock')).toBe(true);
  });

  it('returns nothing when policy allows nothing', () => {
    const none: PolicySet = { ...policies(0) };
    expect(nearestAlternatives(probe(none), config, providers, request())).toEqual([]);
  });
});
