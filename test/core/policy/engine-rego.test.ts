import { describe, expect, it } from 'vitest';
import { loadRegoPolicySet } from '../../../src/core/policy/engine-rego.js';
import { evaluatePolicyDocument } from '../../../src/core/policy/policy-eval.js';
import type { PolicySource } from '../../../src/core/policy/types.js';
import { policyInput } from './inputs.js';

const src = (name: string, rego: string, regoVersion?: 'v0' | 'v1'): PolicySource => ({
  name,
  rego,
  ...(regoVersion ? { regoVersion } : {}),
});

const approvalHuman = src('approval', 'package jitsudo.approval\n\ndefault allow := false\n');

describe('rego policy set: composition', () => {
  const set = loadRegoPolicySet([
    src('sre', 'package jitsudo.eligibility\n\nallow if "sre" in input.user.groups\n'),
    src('readers', 'package jitsudo.eligibility\n\nallow if endswith(input.request.role, "ReadOnly")\n'),
    src('base', 'package jitsudo.eligibility\n\ndefault allow := false\n'),
    approvalHuman,
  ]);

  it('ORs the allow bodies of every module in the package', () => {
    expect(set.eligibility(policyInput({ groups: ['sre'], role: 'Admin' })).allow).toBe(true);
    expect(set.eligibility(policyInput({ role: 'DBReadOnly' })).allow).toBe(true);
    const d = set.eligibility(policyInput({ role: 'Admin' }));
    expect(d).toMatchObject({ allow: false, reason: 'policy denied the request', defined: true });
  });

  it('names the modules that define the deciding rules', () => {
    expect(set.eligibility(policyInput({ role: 'DBReadOnly' })).decidedBy).toEqual([
      'sre.rego',
      'readers.rego',
    ]);
    expect(set.eligibility(policyInput({ role: 'Admin' })).decidedBy).toEqual([
      'base.rego',
      'sre.rego',
      'readers.rego',
    ]);
  });

  it('rejects two `default allow` in one package as a compile error', () => {
    expect(() =>
      loadRegoPolicySet([
        src('a', 'package jitsudo.eligibility\n\ndefault allow := false\n'),
        src('b', 'package jitsudo.eligibility\n\ndefault allow := true\n'),
      ]),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('reports a syntax error with file, line and column', () => {
    try {
      loadRegoPolicySet([src('broken', 'package jitsudo.eligibility\n\nallow if {\n  input.x ==\n')]);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'VALIDATION' });
      expect((e as Error).message).toMatch(/^policy compile error: broken\.rego:\d+:\d+: /);
      expect((e as { details: { errors: { file: string }[] } }).details.errors[0]!.file).toBe('broken.rego');
    }
  });

  it('surfaces conflicting complete values as a decision error', () => {
    const conflict = loadRegoPolicySet([
      src('a', 'package jitsudo.approval\n\napprover_tier := "auto" if input.request.role == "x"\n'),
      src('b', 'package jitsudo.approval\n\napprover_tier := "human" if input.request.provider == "aws"\n'),
    ]);
    expect(conflict.approval(policyInput({ role: 'y' })).approverTier).toBe('human');
    expect(() => conflict.approval(policyInput({ role: 'x' }))).toThrow(
      expect.objectContaining({
        code: 'POLICY_ERROR',
        message: expect.stringMatching(/eval_conflict_error/),
      }),
    );
  });

  it('fails closed with POLICY_ERROR naming the module and rule, never the input', () => {
    const secret = 'x-s3cr3t-in-the-role-name';
    const conflict = loadRegoPolicySet([
      src(
        'a',
        `package jitsudo.eligibility\n\nreason := input.request.role if startswith(input.request.role, "x-")\n`,
      ),
      src('b', 'package jitsudo.eligibility\n\nreason := "other" if input.request.provider == "aws"\n'),
    ]);
    let err: unknown;
    try {
      conflict.eligibility(policyInput({ role: secret }));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'POLICY_ERROR',
      details: {
        package: 'data.jitsudo.eligibility',
        module: expect.stringMatching(/^[ab]\.rego$/),
        rule: 'data.jitsudo.eligibility.reason',
        code: 'eval_conflict_error',
      },
    });
    const e = err as { message: string; details: unknown };
    expect(e.message).toMatch(/module [ab]\.rego, rule data\.jitsudo\.eligibility\.reason, line \d+/);
    expect(JSON.stringify({ m: e.message, d: e.details })).not.toContain('s3cr3t');
    const budget = loadRegoPolicySet(
      [src('c', 'package jitsudo.eligibility\n\nallow if bits.lsh(1, 200000) > 0\n')],
      {},
    );
    expect(() => budget.eligibility(policyInput({}))).toThrow(
      expect.objectContaining({
        code: 'POLICY_ERROR',
        message: expect.stringMatching(
          /module c\.rego, rule data\.jitsudo\.eligibility\.allow, line 3\b.*integer exceeds/,
        ),
      }),
    );
  });
});

describe('rego policy set: decisions', () => {
  it('collects reason, reasons and deny; `reason` is the headline', () => {
    const set = loadRegoPolicySet([
      src(
        'p',
        `package jitsudo.eligibility

deny contains "too long" if input.request.duration_seconds > 100
deny contains "weekend" if input.context.time.weekday == "Saturday"
reasons := ["see runbook"]
allow if count(deny) == 0
`,
      ),
    ]);
    const d = set.eligibility(policyInput({ duration: 200, weekday: 'Saturday' }));
    expect(d).toMatchObject({ allow: false, reason: 'see runbook; too long; weekend' });
    expect(d.reasons).toEqual(['see runbook', 'too long', 'weekend']);
    const withReason = loadRegoPolicySet([
      src(
        'p',
        'package jitsudo.eligibility\n\nallow := false\n\nreason := "closed"\n\ndeny contains "x" if true\n',
      ),
    ]).eligibility(policyInput());
    expect(withReason).toMatchObject({ allow: false, reason: 'closed', reasons: ['closed', 'x'] });
  });

  it('accepts only exactly auto, ai_review or human as the tier', () => {
    const tierOf = (expr: string) =>
      loadRegoPolicySet([src('t', `package jitsudo.approval\n\napprover_tier := ${expr}\n`)]).approval(
        policyInput(),
      ).approverTier;
    expect(tierOf('"auto"')).toBe('auto');
    expect(tierOf('"ai_review"')).toBe('ai_review');
    expect(tierOf('"human"')).toBe('human');
    expect(tierOf('"Auto"')).toBe('human');
    expect(tierOf('"superuser"')).toBe('human');
    expect(tierOf('1')).toBe('human');
    expect(tierOf('["auto"]')).toBe('human');
  });

  it('treats an undefined or non-boolean allow as a denial', () => {
    const undef = loadRegoPolicySet([src('p', 'package jitsudo.eligibility\n\nallow if input.nope\n')]);
    expect(undef.eligibility(policyInput())).toMatchObject({
      allow: false,
      reason: 'no policy result',
      defined: false,
    });
    const str = loadRegoPolicySet([src('p', 'package jitsudo.eligibility\n\nallow := "yes"\n')]);
    expect(str.eligibility(policyInput())).toMatchObject({ allow: false, defined: true });
    expect(str.eligibility(policyInput()).reason).toMatch(/not a boolean/);
  });

  it('denies by default when a package is missing', () => {
    const none = loadRegoPolicySet([src('other', 'package other\n\nallow := true\n')]);
    expect(none.eligibility(policyInput())).toMatchObject({ allow: false, defined: false, decidedBy: [] });
    expect(none.approval(policyInput())).toMatchObject({
      allow: false,
      approverTier: 'human',
      defined: false,
    });
    expect(none.eligibility(policyInput()).reason).toMatch(/no eligibility policy/);
  });

  it('uses the injected clock for time.now_ns()', () => {
    const set = loadRegoPolicySet([
      src(
        'clock',
        'package jitsudo.eligibility\n\nallow if time.now_ns() < 1800000000000000000\n\nreason := sprintf("%v", [time.now_ns()])\n',
      ),
    ]);
    expect(set.eligibility(policyInput(), { nowNs: 1_700_000_000_000_000_123n })).toMatchObject({
      allow: true,
      reason: '1700000000000000123',
    });
    expect(set.eligibility(policyInput(), { nowNs: 1_900_000_000_000_000_000n }).allow).toBe(false);
  });

  it('runs a v0 policy when its source says so, and rejects v0 syntax otherwise', () => {
    const v0 = 'package jitsudo.eligibility\n\nallow {\n  input.user.email == "alice@example.com"\n}\n';
    expect(loadRegoPolicySet([src('old', v0, 'v0')]).eligibility(policyInput()).allow).toBe(true);
    expect(() => loadRegoPolicySet([src('old', v0)])).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    expect(loadRegoPolicySet([src('old', v0)], { regoVersion: 'v0' }).eligibility(policyInput()).allow).toBe(
      true,
    );
  });

  it('reads base data given at load', () => {
    const set = loadRegoPolicySet(
      [src('p', 'package jitsudo.eligibility\n\nallow if input.user.email in data.allowed\n')],
      { data: { allowed: ['alice@example.com'] } },
    );
    expect(set.eligibility(policyInput()).allow).toBe(true);
    expect(set.eligibility(policyInput({ email: 'eve@example.com' })).allow).toBe(false);
  });
});

describe('policy eval (dry run)', () => {
  const live = [
    src(
      'elig',
      'package jitsudo.eligibility\n\nallow if "sre" in input.user.groups\n\ngroups := {g | some g in input.user.groups}\n',
    ),
    src('appr', 'package jitsudo.approval\n\napprover_tier := "auto" if input.context.trust_tier >= 3\n'),
  ];

  it('returns the decision and the whole package document', () => {
    const set = loadRegoPolicySet(live);
    const r = evaluatePolicyDocument(set, 'eligibility', { user: { groups: ['sre', 'dev'] } });
    expect(r).toMatchObject({
      package: 'jitsudo.eligibility',
      allow: true,
      result: { allow: true, groups: ['dev', 'sre'] },
    });
    expect(r.resultJson).toBe('{"allow":true,"groups":["dev","sre"]}');
    const a = evaluatePolicyDocument(set, 'data.jitsudo.approval', { context: { trust_tier: 3 } });
    expect(a).toMatchObject({ allow: false, approverTier: 'auto', reason: 'no policy result' });
  });

  it('evaluates an unsaved candidate with the live set or alone', () => {
    const candidate = src('elig', 'package jitsudo.eligibility\n\nallow if input.user.email == "a@x"\n');
    const input = { user: { email: 'a@x', groups: [] } };
    expect(evaluatePolicyDocument({ live, candidate, mode: 'with' }, 'eligibility', input).allow).toBe(true);
    const extra = src('extra', 'package jitsudo.eligibility\n\nallow if input.user.email == "b@x"\n');
    const both = { live, candidate: extra, mode: 'with' as const };
    expect(
      evaluatePolicyDocument(both, 'eligibility', { user: { email: 'b@x', groups: ['sre'] } }).decision
        .decidedBy,
    ).toEqual(['elig.rego', 'extra.rego']);
    const alone = evaluatePolicyDocument({ live, candidate: extra, mode: 'instead' }, 'approval', input);
    expect(alone).toMatchObject({
      allow: false,
      approverTier: 'human',
      result: undefined,
      resultJson: 'null',
    });
  });

  it('rejects a candidate that does not compile', () => {
    const candidate = src('bad', 'package jitsudo.eligibility\n\nallow if {\n');
    expect(() => evaluatePolicyDocument({ live, candidate, mode: 'with' }, 'eligibility', {})).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
  });
});
