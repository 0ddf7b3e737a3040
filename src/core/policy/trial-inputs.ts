/**
 * Before a policy set goes live (`jitsudo policy apply`, delete), it is evaluated on a few
 * representative inputs: the example in policies/README.md and its variants (agent, approver,
 * break-glass, read-only and writing roles, lowest and highest trust tier). A set that fails to
 * evaluate on any of them — conflicting complete rules, a budget error — would fail every such
 * decision in production with POLICY_ERROR, so it is refused now with VALIDATION instead.
 * This cannot prove a set sound for every input; it catches what these documented inputs show.
 */
import { AppError } from '../errors.js';
import { asPolicyError } from './policy-error.js';
import type { PolicyInput, PolicySet } from './types.js';

const TIME: PolicyInput['context']['time'] = {
  rfc3339: '2026-01-05T09:30:00Z',
  unix_ns: '1767605400000000000',
  weekday: 'Monday',
  hour_utc: 9,
};

/** The policies/README.md example: alice (sre) asks for ReadOnlyAccess on aws. */
const EXAMPLE: PolicyInput = {
  user: { email: 'alice@example.com', subject: 'sub-alice', groups: ['sre'], kind: 'human' },
  request: {
    provider: 'aws',
    role: 'ReadOnlyAccess',
    resource_scope: '123456789012',
    duration_seconds: 3600,
    reason: 'INC-42 investigating latency',
    break_glass: false,
    metadata: { ticket: 'INC-42' },
  },
  context: { trust_tier: 3, time: TIME },
};

const BOB = { email: 'bob@example.com', groups: ['dev'], kind: 'human' as const };

function variant(
  label: string,
  user: Partial<PolicyInput['user']>,
  request: Partial<PolicyInput['request']>,
  context: Partial<PolicyInput['context']>,
): { label: string; input: PolicyInput } {
  return {
    label,
    input: {
      user: { ...EXAMPLE.user, ...user },
      request: { ...EXAMPLE.request, ...request },
      context: { ...EXAMPLE.context, ...context },
    },
  };
}

/** Labelled trial inputs; the labels name them in a refusal. */
export const TRIAL_INPUTS: readonly { label: string; input: PolicyInput }[] = [
  { label: 'the README example (sre, read-only role)', input: EXAMPLE },
  variant(
    'a writing role, no group, trust tier 0',
    { groups: [] },
    { role: 'AdministratorAccess' },
    { trust_tier: 0 },
  ),
  variant('an over-long duration', { groups: [] }, { duration_seconds: 86_400 }, { trust_tier: 1 }),
  variant(
    'break-glass at trust tier 4',
    {},
    { role: 'AdministratorAccess', break_glass: true },
    { trust_tier: 4 },
  ),
  variant('break-glass at trust tier 1', { groups: [] }, { break_glass: true }, { trust_tier: 1 }),
  variant(
    'an agent asking for a writing role',
    {
      email: 'deploy-bot@agents',
      groups: [],
      kind: 'agent',
      agent: { name: 'deploy-bot', owner: BOB.email },
    },
    { role: 'AdministratorAccess' },
    { trust_tier: 2 },
  ),
  variant(
    'an approver deciding a writing role',
    { email: 'carol@example.com', groups: ['sre-leads'] },
    { role: 'AdministratorAccess' },
    { requester: BOB },
  ),
  variant(
    'an approver deciding a read-only role at tier 0',
    { email: 'carol@example.com', groups: [] },
    {},
    { trust_tier: 0, requester: BOB },
  ),
  variant('self-approval', { ...BOB }, {}, { requester: BOB }),
];

/** Throws VALIDATION naming the input and the failing module/rule when `set` cannot evaluate a trial input. */
export function assertEvaluates(set: PolicySet): void {
  for (const { label, input } of TRIAL_INPUTS) {
    for (const kind of ['eligibility', 'approval'] as const) {
      try {
        if (kind === 'eligibility') set.eligibility(input, { nowNs: 1_767_605_400_000_000_000n });
        else set.approval(input, { nowNs: 1_767_605_400_000_000_000n });
      } catch (e) {
        const err = asPolicyError(e);
        if (!err) throw e;
        throw new AppError(
          'VALIDATION',
          `the policy set would fail to evaluate ${kind} for ${label}: ${err.message}`,
          { cause: e, details: { trial_input: label, decision: kind, ...err.details } },
        );
      }
    }
  }
}
