import { ulid } from 'ulid';
import type { GrantRequest } from '../../../src/core/providers/types.js';
import { createGcpProvider } from '../../../src/providers/gcp/index.js';
import type { ProviderDeps } from '../../../src/providers/shared/deps.js';
import type { GcpFake } from '../../fakes/gcp-fake.js';

export const PROJECT = 'shop-prod-1';

export function gcpProvider(fake: GcpFake, extra: Record<string, unknown> = {}, deps: ProviderDeps = {}) {
  return createGcpProvider(
    {
      api_endpoint: fake.http.url,
      access_token: 'fake-gcp-token',
      timeout_ms: 400,
      retry: { attempts: 3, base_delay_ms: 1, max_delay_ms: 5 },
      ...extra,
    },
    deps,
  );
}

export const gcpRequest = (overrides: Partial<GrantRequest> = {}): GrantRequest => ({
  requestId: `req_${ulid()}`,
  principal: { identity: 'alice@example.com', kind: 'human', groups: ['oncall@example.com'] },
  role: 'storage.admin',
  scope: PROJECT,
  durationSeconds: 3600,
  reason: 'contract test',
  metadata: {},
  ...overrides,
});
