/** `jitsudo status <id>` shows a step_up request's need for a fresh sign-in (ADR 0050); others show nothing. */
import { describe, expect, it } from 'vitest';
import { requestDetail } from '../../src/cli/render.js';
import type { ElevationRequest } from '../../src/client/types.js';

const base = {
  id: 'req_1',
  state: 'PENDING',
  requester: { identity: 'alice@example.com', kind: 'human' },
  provider: 'mock',
  role: 'admin',
  resource_scope: 'prod',
  duration_seconds: 900,
  reason: 'INC-1',
  break_glass: false,
  metadata: {},
  approver_tier: 'human',
  approvals_required: 1,
  approver_groups: [],
  approved_by: [],
  approvals: [],
  created_at: '2030-01-01T00:00:00.000Z',
  updated_at: '2030-01-01T00:00:00.000Z',
} as unknown as ElevationRequest;

describe('requestDetail and step_up', () => {
  it('prints Step-up only when the request needs it', () => {
    expect(requestDetail({ ...base, step_up: true })).toMatch(/Step-up:\s+required/);
    expect(requestDetail({ ...base, step_up: false })).not.toContain('Step-up');
  });
});
