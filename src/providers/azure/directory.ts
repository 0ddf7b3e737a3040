/** Requester → Entra object id (Graph, by UPN) and role name → role definition id, cached 5 min. */
import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { TokenCredential } from '@azure/core-auth';
import type { GrantRequest } from '../../core/providers/types.js';
import { ProviderError } from '../../core/providers/types.js';
import type { AzureSection } from './config.js';
import { isGuid } from './scope.js';

const TTL_MS = 300_000;
const ROLE_DEF_ID =
  /^(\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/i;

export interface Principal {
  id: string;
  type?: 'User' | 'Group' | 'ServicePrincipal';
}

export function createDirectory(
  cfg: AzureSection,
  credential: TokenCredential,
  arm: AuthorizationManagementClient,
) {
  const graph = cfg.graph_endpoint.replace(/\/$/, '');
  const principals = new Map<string, { value: Principal; at: number }>();
  const roles = new Map<string, { value: string; at: number }>();
  const fresh = <T>(c: { value: T; at: number } | undefined) =>
    c && Date.now() - c.at < TTL_MS ? c.value : undefined;
  const signal = () => AbortSignal.timeout(cfg.timeout_ms);

  return {
    async principal(req: GrantRequest): Promise<Principal> {
      const who = req.principal.identity;
      if (isGuid(who)) return { id: who.toLowerCase(), type: cfg.object_id_principal_type };
      const hit = fresh(principals.get(who));
      if (hit) return hit;
      const token = await credential.getToken(`${graph}/.default`);
      const res = await fetch(`${graph}/v1.0/users/${encodeURIComponent(who)}?$select=id`, {
        headers: { authorization: `Bearer ${token!.token}`, accept: 'application/json' },
        signal: signal(),
      });
      if (res.status === 404)
        throw new ProviderError('azure', `Entra ID has no user with UPN "${who}"`, false);
      if (!res.ok)
        throw Object.assign(new Error(`Microsoft Graph answered ${res.status}`), { statusCode: res.status });
      const body = (await res.json()) as { id?: string };
      const value: Principal = { id: String(body.id), type: 'User' };
      principals.set(who, { value, at: Date.now() });
      return value;
    },

    /** Full role definition id for a role given by GUID, by full id, or by display name at `scope`. */
    async roleDefinitionId(role: string, scope: string, subscriptionId?: string): Promise<string> {
      if (ROLE_DEF_ID.test(role)) return role;
      const prefix = subscriptionId ? `/subscriptions/${subscriptionId}` : '';
      if (isGuid(role))
        return `${prefix}/providers/Microsoft.Authorization/roleDefinitions/${role.toLowerCase()}`;
      const key = `${scope}|${role}`;
      const hit = fresh(roles.get(key));
      if (hit) return hit;
      // OData string literal: a quote is escaped by doubling it.
      const filter = `roleName eq '${role.replace(/'/g, "''")}'`;
      for await (const def of arm.roleDefinitions.list(scope, { filter, abortSignal: signal() })) {
        if (def.roleName === role && def.id) {
          roles.set(key, { value: def.id, at: Date.now() });
          return def.id;
        }
      }
      throw new ProviderError('azure', `no Azure role named "${role}" is assignable at ${scope}`, false);
    },
  };
}
