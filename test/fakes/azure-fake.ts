/**
 * Entra ID token endpoint, Microsoft Graph user lookup and ARM role definitions / role assignments,
 * speaking the REST shapes @azure/arm-authorization (api-version 2022-04-01) sends and expects,
 * with ARM's validation: GUID assignment names, known scopes/roles/principals, 409s on duplicates.
 */
import { randomUUID } from 'node:crypto';
import { type FakeReply, type FakeRequest, HttpFake } from './http-fake.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const json = (status: number, body?: unknown): FakeReply => ({
  status,
  headers: { 'content-type': 'application/json', 'x-ms-request-id': randomUUID() },
  body: body === undefined ? '' : JSON.stringify(body),
});
const armError = (status: number, code: string, message: string) =>
  json(status, { error: { code, message } });

export interface FakeAssignment {
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType?: string;
  description?: string;
}

function opOf(r: FakeRequest): string {
  if (r.path.endsWith('/oauth2/v2.0/token')) return 'aad:token';
  if (r.path.startsWith('/v1.0/users/')) return 'graph:GetUser';
  if (r.path.includes('/roleDefinitions')) return 'arm:RoleDefinitions';
  if (r.path.includes('/roleAssignments/')) return `arm:${r.method}RoleAssignment`;
  return `other:${r.method}`;
}

export class AzureFake {
  readonly tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  readonly clientId = '11111111-2222-3333-4444-555555555555';
  readonly clientSecret = 'fake-client-secret';
  readonly subscriptions = new Set<string>();
  readonly resourceGroups = new Set<string>(); // "/subscriptions/x/resourceGroups/y", lower-case
  /** role name → role definition GUID (built-in roles are the same everywhere). */
  readonly roles = new Map<string, string>([
    ['Reader', 'acdd72a7-3385-48ef-bd42-f606fba81ae7'],
    ['Contributor', 'b24988ac-6180-42a0-ab88-20f7382dd24c'],
    ["Storage Blob Data Reader's Helper", '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'],
  ]);
  readonly users = new Map<string, string>(); // UPN → object id
  readonly assignments = new Map<string, FakeAssignment>(); // lower-case full id → assignment
  /** Scopes where jitsudod's identity lacks roleAssignments/write. */
  readonly forbiddenScopes = new Set<string>();
  private tokens = new Set<string>();
  readonly http = new HttpFake(opOf, (r) => this.handle(r));

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }
  stop = () => this.http.stop();
  get url() {
    return this.http.url;
  }

  addUser(upn: string): string {
    const id = randomUUID();
    this.users.set(upn, id);
    return id;
  }

  /** Does `principalId` hold `roleGuid` exactly at `scope`? */
  holds(scope: string, principalId: string, roleGuid: string): boolean {
    return [...this.assignments.values()].some(
      (a) =>
        a.scope.toLowerCase() === scope.toLowerCase() &&
        a.principalId === principalId &&
        a.roleDefinitionId.toLowerCase().endsWith(roleGuid),
    );
  }

  private handle(r: FakeRequest): FakeReply {
    if (r.op === 'aad:token') return this.token(r);
    const auth = String(r.headers.authorization ?? '');
    if (!this.tokens.has(auth.replace(/^Bearer /, '')))
      return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (r.op === 'graph:GetUser') {
      const upn = decodeURIComponent(r.path.slice('/v1.0/users/'.length));
      const id = this.users.get(upn);
      return id
        ? json(200, { id })
        : json(404, {
            error: { code: 'Request_ResourceNotFound', message: `Resource '${upn}' does not exist` },
          });
    }
    if (r.query.get('api-version') !== '2022-04-01')
      return armError(400, 'MissingApiVersionParameter', 'api-version is required');
    const m =
      /^(.*)\/providers\/Microsoft\.Authorization\/(roleDefinitions|roleAssignments)(?:\/([^/]+))?$/.exec(
        r.path,
      );
    if (!m) return armError(404, 'InvalidResourceType', 'unknown path');
    const [, scope = '', kind, name] = m;
    if (!/^\/(subscriptions|providers)\//i.test(`${scope}/`))
      return armError(400, 'InvalidScope', `'${scope}' is not a valid scope`);
    const missing = this.scopeMissing(scope);
    if (missing) return missing;
    if (kind === 'roleDefinitions') return this.roleDefinitions(scope, name, r.query.get('$filter'));
    if (!name || !GUID.test(name))
      return armError(
        400,
        'InvalidRoleAssignmentId',
        `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
      );
    const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
    if (r.method === 'GET') {
      const a = this.assignments.get(id.toLowerCase());
      return a
        ? json(200, this.view(a))
        : armError(404, 'RoleAssignmentNotFound', 'The role assignment does not exist.');
    }
    if (r.method === 'DELETE') {
      if (this.forbiddenScopes.has(scope))
        return armError(
          403,
          'AuthorizationFailed',
          'does not have authorization to perform action Microsoft.Authorization/roleAssignments/delete',
        );
      const a = this.assignments.get(id.toLowerCase());
      if (!a) return json(204);
      this.assignments.delete(id.toLowerCase());
      return json(200, this.view(a));
    }
    if (r.method === 'PUT') return this.put(scope, name, id, JSON.parse(r.body || '{}'));
    return armError(405, 'MethodNotAllowed', r.method);
  }

  private token(r: FakeRequest): FakeReply {
    const f = new URLSearchParams(r.body);
    const tenant = r.path.split('/')[1];
    const okSecret = f.get('client_secret') === this.clientSecret;
    const okAssertion =
      f.get('client_assertion_type') === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' &&
      !!f.get('client_assertion');
    if (
      tenant !== this.tenantId ||
      f.get('grant_type') !== 'client_credentials' ||
      f.get('client_id') !== this.clientId ||
      !(okSecret || okAssertion) ||
      !f.get('scope')?.endsWith('/.default')
    )
      return json(401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.',
      });
    const t = `eyJfake.${randomUUID()}`;
    this.tokens.add(t);
    return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: t });
  }

  private scopeMissing(scope: string): FakeReply | undefined {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
    if (sub && !this.subscriptions.has(sub))
      return armError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
    const rg = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i.exec(scope)?.[0];
    if (rg && !this.resourceGroups.has(rg.toLowerCase()))
      return armError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
    return undefined;
  }

  private roleDefinitions(scope: string, id: string | undefined, filter: string | null): FakeReply {
    const def = (roleName: string, guid: string) => ({
      id: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
      name: guid,
      type: 'Microsoft.Authorization/roleDefinitions',
      properties: { roleName, type: 'BuiltInRole', permissions: [], assignableScopes: ['/'] },
    });
    if (id) {
      const hit = [...this.roles].find(([, g]) => g === id);
      return hit
        ? json(200, def(...hit))
        : armError(404, 'RoleDefinitionDoesNotExist', 'The specified role definition does not exist.');
    }
    const want = filter ? /^roleName eq '((?:[^']|'')*)'$/.exec(filter)?.[1]?.replace(/''/g, "'") : undefined;
    if (filter && want === undefined) return armError(400, 'InvalidFilter', `bad $filter ${filter}`);
    return json(200, {
      value: [...this.roles].filter(([n]) => !want || n === want).map(([n, g]) => def(n, g)),
    });
  }

  private put(scope: string, name: string, id: string, body: any): FakeReply {
    if (this.forbiddenScopes.has(scope))
      return armError(
        403,
        'AuthorizationFailed',
        `The client does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '${scope}'`,
      );
    const p = body.properties ?? {};
    const roleGuid = /\/roleDefinitions\/([^/]+)$/.exec(p.roleDefinitionId ?? '')?.[1] ?? '';
    if (![...this.roles.values()].includes(roleGuid))
      return armError(
        400,
        'RoleDefinitionDoesNotExist',
        'The specified role definition with ID does not exist.',
      );
    if (!GUID.test(p.principalId ?? '') || ![...this.users.values()].includes(p.principalId))
      return armError(
        400,
        'PrincipalNotFound',
        `Principal ${p.principalId} does not exist in the directory ${this.tenantId}.`,
      );
    const a: FakeAssignment = {
      name,
      scope,
      roleDefinitionId: p.roleDefinitionId,
      principalId: p.principalId,
      principalType: p.principalType,
      description: p.description,
    };
    const same = this.assignments.get(id.toLowerCase());
    if (same) {
      if (same.principalId !== a.principalId || !same.roleDefinitionId.toLowerCase().endsWith(roleGuid))
        return armError(
          409,
          'RoleAssignmentUpdateNotPermitted',
          'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.',
        );
      return json(201, this.view(same));
    }
    if (this.holds(scope, a.principalId, roleGuid))
      return armError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
    this.assignments.set(id.toLowerCase(), a);
    return json(201, this.view(a));
  }

  private view(a: FakeAssignment) {
    return {
      id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
      name: a.name,
      type: 'Microsoft.Authorization/roleAssignments',
      properties: {
        roleDefinitionId: a.roleDefinitionId,
        principalId: a.principalId,
        principalType: a.principalType ?? 'User',
        scope: a.scope,
        description: a.description,
        createdOn: '2026-01-01T00:00:00Z',
      },
    };
  }
}
