import { ulid } from 'ulid';
import type { GrantRequest } from '../../src/core/providers/types.js';
import { MockProvider } from '../../src/providers/mock/index.js';
import { runProviderContract } from '../contract/provider-contract.js';

const makeRequest = (overrides: Partial<GrantRequest> = {}): GrantRequest => ({
  requestId: `req_${ulid()}`,
  principal: { identity: 'alice@example.com', kind: 'human', groups: ['sre'] },
  role: 'admin',
  scope: 'account-123',
  durationSeconds: 3600,
  reason: 'contract test',
  metadata: {},
  ...overrides,
});

runProviderContract('mock', () => new MockProvider(), makeRequest, {
  invalid: [{ name: 'a role with a space', change: { role: 'read only' } }],
  failing: {
    retryable: () => {
      const p = new MockProvider();
      p.failNext('grant', 1, { retryable: true });
      return p;
    },
    permanent: () => {
      const p = new MockProvider();
      p.failNext('grant', 1, { retryable: false });
      return p;
    },
  },
});
