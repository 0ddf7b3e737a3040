import { ulid } from 'ulid';
import type { GrantRequest } from '../../../src/core/providers/types.js';
import { createAzureProvider } from '../../../src/providers/azure/index.js';
import type { AzureFake } from '../../fakes/azure-fake.js';

export const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
export const RG_SCOPE = `/subscriptions/${SUB}/resourceGroups/rg-app`;

export function azureFakeSetup(fake: AzureFake): void {
  fake.subscriptions.add(SUB);
  fake.resourceGroups.add(RG_SCOPE.toLowerCase());
}

export function azureProvider(fake: AzureFake, extra: Record<string, unknown> = {}) {
  return createAzureProvider({
    tenant_id: fake.tenantId,
    client_id: fake.clientId,
    client_secret: fake.clientSecret,
    authority_host: fake.url,
    arm_endpoint: fake.url,
    graph_endpoint: fake.url,
    timeout_ms: 400,
    retry: { attempts: 3, base_delay_ms: 1, max_delay_ms: 5 },
    ...extra,
  });
}

let seq = 0;
/** A request from a fresh directory user: Azure allows one assignment per principal × role × scope. */
export function azureRequest(fake: AzureFake, overrides: Partial<GrantRequest> = {}): GrantRequest {
  const upn = `user${++seq}@contoso.example`;
  fake.addUser(upn);
  return {
    requestId: `req_${ulid()}`,
    principal: { identity: upn, kind: 'human', groups: [] },
    role: 'Reader',
    scope: RG_SCOPE,
    durationSeconds: 3600,
    reason: 'contract test',
    metadata: {},
    ...overrides,
  };
}
