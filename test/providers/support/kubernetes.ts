import { ulid } from 'ulid';
import type { GrantRequest } from '../../../src/core/providers/types.js';
import { createKubernetesProvider } from '../../../src/providers/kubernetes/index.js';
import type { K8sFake } from '../../fakes/k8s-fake.js';

/** The fakes speak plain http, which the client allows only with TLS verification off. */
export function k8sProvider(
  fake: K8sFake,
  clusters?: Record<string, Record<string, unknown>>,
  extra: Record<string, unknown> = {},
) {
  const all = clusters ?? { prod: { server: fake.http.url, token: fake.adminToken } };
  return createKubernetesProvider({
    clusters: Object.fromEntries(
      Object.entries(all).map(([k, v]) => [k, { insecure_skip_tls_verify: true, ...v }]),
    ),
    timeout_ms: 400,
    retry: { attempts: 3, base_delay_ms: 1, max_delay_ms: 5 },
    ...extra,
  });
}

export const k8sRequest = (overrides: Partial<GrantRequest> = {}): GrantRequest => ({
  requestId: `req_${ulid()}`,
  principal: { identity: 'alice@example.com', kind: 'human', groups: ['sre'] },
  role: 'edit',
  scope: 'prod/team-a',
  durationSeconds: 3600,
  reason: 'contract test',
  metadata: {},
  ...overrides,
});
