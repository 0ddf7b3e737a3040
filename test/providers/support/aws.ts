import { ulid } from 'ulid';
import type { GrantRequest } from '../../../src/core/providers/types.js';
import { createAwsProvider } from '../../../src/providers/aws/index.js';
import type { ProviderDeps } from '../../../src/providers/shared/deps.js';
import type { AwsFake } from '../../fakes/aws-fake.js';

export const ACCOUNT = '123456789012';

/** A provider pointed at the fake, with fast timeouts and no real backoff. */
export function awsProvider(fake: AwsFake, extra: Record<string, unknown> = {}, deps: ProviderDeps = {}) {
  return createAwsProvider(
    {
      endpoint: fake.url,
      credentials: { access_key_id: fake.state.adminKey, secret_access_key: 'fake-secret' },
      timeout_ms: 400,
      retry: { attempts: 3, base_delay_ms: 1, max_delay_ms: 5 },
      ...extra,
    },
    deps,
  );
}

export const awsRequest = (overrides: Partial<GrantRequest> = {}): GrantRequest => ({
  requestId: `req_${ulid()}`,
  principal: { identity: 'alice@example.com', kind: 'human', groups: ['sre'] },
  role: 'deploy',
  scope: ACCOUNT,
  durationSeconds: 3600,
  reason: 'INC-42: roll back the bad deploy (urgent!)',
  metadata: {},
  ...overrides,
});

/** Identity Center setup on the fake: a permission set and a provider in identity_center mode. */
export function identityCenter(fake: AwsFake, extra: Record<string, unknown> = {}, deps: ProviderDeps = {}) {
  return awsProvider(
    fake,
    {
      mode: 'identity_center',
      identity_center: {
        instance_arn: fake.state.instanceArn,
        identity_store_id: fake.state.identityStoreId,
        poll_interval_ms: 5,
        poll_timeout_ms: 2_000,
        portal_url: 'https://example.awsapps.com/start',
        ...((extra.identity_center as object) ?? {}),
      },
      ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'identity_center')),
    },
    deps,
  );
}

let userSeq = 0;
/** A request from a fresh Identity Store user (assignments are per user × permission set × account). */
export function icRequest(fake: AwsFake, overrides: Partial<GrantRequest> = {}): GrantRequest {
  const identity = `user${++userSeq}@example.com`;
  fake.state.addUser(identity);
  return awsRequest({
    role: 'AdminAccess',
    principal: { identity, kind: 'human', groups: [] },
    ...overrides,
  });
}
