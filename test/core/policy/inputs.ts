/** Small factory for policy input documents in tests. */
import type { PolicyInput } from '../../../src/core/policy/types.js';

export interface InputOverrides {
  email?: string;
  groups?: string[];
  kind?: 'human' | 'agent';
  role?: string;
  duration?: number;
  breakGlass?: boolean;
  trustTier?: number;
  requester?: PolicyInput['context']['requester'];
  hourUtc?: number;
  weekday?: string;
  provider?: string;
}

export function policyInput(o: InputOverrides = {}): PolicyInput {
  const hour = o.hourUtc ?? 10;
  return {
    user: {
      email: o.email ?? 'alice@example.com',
      subject: 'sub-alice',
      groups: o.groups ?? [],
      kind: o.kind ?? 'human',
      ...(o.kind === 'agent' ? { agent: { name: 'deploy-bot', owner: 'bob@example.com' } } : {}),
    },
    request: {
      provider: o.provider ?? 'aws',
      role: o.role ?? 'ReadOnlyAccess',
      resource_scope: '123456789012',
      duration_seconds: o.duration ?? 3600,
      reason: 'INC-42 investigating latency',
      break_glass: o.breakGlass ?? false,
      metadata: { ticket: 'INC-42' },
    },
    context: {
      trust_tier: o.trustTier ?? 2,
      ...(o.requester ? { requester: o.requester } : {}),
      time: {
        rfc3339: `2026-01-05T${String(hour).padStart(2, '0')}:30:00Z`,
        unix_ns: String(BigInt(Date.UTC(2026, 0, 5, hour, 30)) * 1_000_000n),
        weekday: o.weekday ?? 'Monday',
        hour_utc: hour,
      },
    },
  };
}
