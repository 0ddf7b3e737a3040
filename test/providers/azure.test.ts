import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import type { GrantRef, GrantRequest, GrantResult } from '../../src/core/providers/types.js';
import { ProviderError } from '../../src/core/providers/types.js';
import { assignmentNameFor, parseScope } from '../../src/providers/azure/index.js';
import { runProviderContract } from '../contract/provider-contract.js';
import { AzureFake } from '../fakes/azure-fake.js';
import { azureFakeSetup, azureProvider, azureRequest, RG_SCOPE, SUB } from './support/azure.js';
import { runFaultSuite } from './support/faults.js';

const fake = await new AzureFake().start();
azureFakeSetup(fake);
afterAll(() => fake.stop());

const refOf = (request: GrantRequest, g: GrantResult): GrantRef => ({
  request,
  handle: g.handle,
  expiresAt: g.expiresAt,
});
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const holds = (ref: GrantRef) =>
  fake.holds(parseScope(ref.request.scope).scope, String(ref.handle.principalId), READER);

runProviderContract(
  'azure',
  () => azureProvider(fake),
  (o) => azureRequest(fake, o),
  {
    invalid: [
      { name: 'a scope that is not an ARM path', change: { scope: 'my-subscription' } },
      {
        name: 'a resource group path without a subscription GUID',
        change: { scope: '/subscriptions/prod/resourceGroups/x' },
      },
      { name: 'a role with a slash', change: { role: 'Reader/Writer' } },
    ],
    failing: {
      retryable: () => {
        fake.http.inject(
          'arm:PUTRoleAssignment',
          {
            kind: 'status',
            status: 503,
            body: '{"error":{"code":"ServiceUnavailable","message":"try later"}}',
            headers: { 'content-type': 'application/json' },
          },
          3,
        );
        return azureProvider(fake);
      },
      permanent: () => {
        fake.http.inject(
          'arm:PUTRoleAssignment',
          {
            kind: 'status',
            status: 403,
            body: '{"error":{"code":"AuthorizationFailed","message":"no"}}',
            headers: { 'content-type': 'application/json' },
          },
          1,
        );
        return azureProvider(fake);
      },
    },
  },
);

describe('azure', () => {
  it('derives the assignment name exactly like the Go original', () => {
    expect(assignmentNameFor('req_01J8KZ4F2EMNQZ3V7XKQYBD4W')).toBe('cc420fe0-5a18-2e69-12b4-68250d68a789');
  });

  it('parses every ARM scope form and rejects what ARM would', () => {
    expect(parseScope(SUB.toUpperCase())).toEqual({ scope: `/subscriptions/${SUB}`, subscriptionId: SUB });
    expect(parseScope(`${RG_SCOPE}/`)).toEqual({
      scope: RG_SCOPE,
      subscriptionId: SUB,
      resourceGroup: 'rg-app',
    });
    expect(
      parseScope(`${RG_SCOPE}/providers/Microsoft.Storage/storageAccounts/acct1/blobServices/default`).scope,
    ).toMatch(/blobServices\/default$/);
    expect(parseScope('/providers/Microsoft.Management/managementGroups/platform').scope).toBe(
      '/providers/Microsoft.Management/managementGroups/platform',
    );
    for (const bad of [
      '/subscriptions/x',
      `${RG_SCOPE}.`,
      `${RG_SCOPE}/providers/Microsoft.Storage`,
      '/providers/Other/x/y',
      'subscriptions/abc',
      `${RG_SCOPE}/providers/storage/acct/x`,
    ])
      expect(() => parseScope(bad), bad).toThrow(AppError);
  });

  it('assigns the role by name to the user found by UPN, and exports subscription and group (not the ARM path)', async () => {
    const req = azureRequest(fake);
    const g = await azureProvider(fake).grant(req);
    expect(g.handle).toEqual({
      roleDefinitionGuid: READER,
      assignmentName: assignmentNameFor(req.requestId),
      principalId: fake.users.get(req.principal.identity),
    });
    expect(holds(refOf(req, g))).toBe(true);
    expect(g.credentials).toEqual({
      AZURE_TENANT_ID: fake.tenantId,
      AZURE_SUBSCRIPTION_ID: SUB,
      ARM_SUBSCRIPTION_ID: SUB,
      AZURE_DEFAULTS_GROUP: 'rg-app',
    });
    const put = fake.http.requests.filter((r) => r.op === 'arm:PUTRoleAssignment').at(-1)!;
    expect(JSON.parse(put.body).properties).toMatchObject({
      principalType: 'User',
      roleDefinitionId: `${RG_SCOPE}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
    });
  });

  it('caches UPN lookups and tokens', async () => {
    const p = azureProvider(fake);
    const req = azureRequest(fake);
    await p.grant(req);
    const lookups = fake.http.count('graph:GetUser');
    const tokens = fake.http.count('aad:token');
    await p.grant({ ...req, requestId: `${req.requestId}B`, role: 'Contributor' });
    expect(fake.http.count('graph:GetUser')).toBe(lookups);
    expect(fake.http.count('aad:token')).toBe(tokens);
  });

  it('takes an object id as the principal and a role by GUID, quoted names escaped for OData', async () => {
    const oid = fake.addUser('svc@contoso.example');
    const p = azureProvider(fake, { object_id_principal_type: 'ServicePrincipal' });
    const byGuid = await p.grant(
      azureRequest(fake, {
        principal: { identity: oid, kind: 'agent', groups: [] },
        role: READER,
        scope: SUB,
      }),
    );
    const put = fake.http.requests.filter((r) => r.op === 'arm:PUTRoleAssignment').at(-1)!;
    expect(JSON.parse(put.body).properties.roleDefinitionId).toBe(
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
    );
    expect(JSON.parse(put.body).properties.principalType).toBe('ServicePrincipal');
    expect(byGuid.credentials.AZURE_DEFAULTS_GROUP).toBeUndefined();
    const quoted = await p.grant(azureRequest(fake, { role: "Storage Blob Data Reader's Helper" }));
    expect(quoted.handle.roleDefinitionGuid).toBe('2a2b9908-6ea1-4ae2-8e65-a410df84e7d1');
  });

  it('explains unknown users, unknown roles and missing permissions', async () => {
    const p = azureProvider(fake);
    const ghost = await p
      .grant({
        ...azureRequest(fake),
        principal: { identity: 'ghost@contoso.example', kind: 'human', groups: [] },
      })
      .catch((e) => e);
    expect(ghost.message).toMatch(/no user with UPN "ghost@contoso.example"/);
    const role = await p.grant(azureRequest(fake, { role: 'Owner-ish' })).catch((e) => e);
    expect(role.message).toMatch(/no Azure role named "Owner-ish"/);
    fake.forbiddenScopes.add(RG_SCOPE);
    try {
      const denied = await p.grant(azureRequest(fake)).catch((e) => e);
      expect(denied).toBeInstanceOf(ProviderError);
      expect(denied.retryable).toBe(false);
      expect(denied.message).toMatch(
        /^jitsudod's identity may not create role assignments at \/subscriptions/,
      );
    } finally {
      fake.forbiddenScopes.delete(RG_SCOPE);
    }
    const badSecret = await azureProvider(fake, { client_secret: 'wrong' })
      .grant(azureRequest(fake))
      .catch((e) => e);
    expect(badSecret.message).toMatch(/could not sign in to Entra ID: AADSTS7000215/);
    expect(badSecret.message).not.toContain('wrong');
  });

  it('refuses to adopt a standing assignment it did not make, and never deletes it', async () => {
    const req = azureRequest(fake);
    const oid = fake.users.get(req.principal.identity)!;
    const standing = '9a3c2f0e-0000-4000-8000-000000000001';
    fake.assignments.set(
      `${RG_SCOPE}/providers/Microsoft.Authorization/roleAssignments/${standing}`.toLowerCase(),
      {
        name: standing,
        scope: RG_SCOPE,
        principalId: oid,
        roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
      },
    );
    const p = azureProvider(fake);
    const e = await p.grant(req).catch((x) => x);
    expect(e.message).toMatch(/already holds "Reader" .* assignment jitsudo did not make/);
    await p.revoke({ request: req, handle: {}, expiresAt: new Date() });
    expect(fake.holds(RG_SCOPE, oid, READER)).toBe(true);
  });

  it('notices an assignment deleted out of band', async () => {
    const p = azureProvider(fake);
    const req = azureRequest(fake);
    const ref = refOf(req, await p.grant(req));
    fake.assignments.clear();
    expect(await p.isActive(ref)).toBe(false);
  });
});

runFaultSuite({
  name: 'azure',
  http: fake.http,
  grantOp: 'arm:PUTRoleAssignment',
  revokeOp: 'arm:DELETERoleAssignment',
  throttle: {
    kind: 'status',
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': '0' },
    body: '{"error":{"code":"TooManyRequests","message":"slow down"}}',
  },
  forbidden: {
    kind: 'status',
    status: 403,
    headers: { 'content-type': 'application/json' },
    body: '{"error":{"code":"AuthorizationFailed","message":"no"}}',
  },
  attempts: 3,
  timeoutMs: 400,
  provider: () => azureProvider(fake),
  request: () => azureRequest(fake),
  grantedInTarget: holds,
});
