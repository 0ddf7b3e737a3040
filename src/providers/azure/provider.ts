/**
 * Azure RBAC: one role assignment per request at any ARM scope, named by a GUID derived from the
 * request id (idempotent create and delete). Azure has no expiry on plain assignments, so the
 * sweeper ends them; isActive asks ARM whether the assignment is still there.
 */
import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { TokenCredential } from '@azure/core-auth';
import type { GrantRef, GrantRequest, GrantResult, Provider } from '../../core/providers/types.js';
import { ProviderError } from '../../core/providers/types.js';
import { clock, type ProviderDeps } from '../shared/deps.js';
import { retryingCall } from '../shared/retry.js';
import { cappedDuration, invalid, validateCommon } from '../shared/validate.js';
import type { AzureSection } from './config.js';
import { createDirectory } from './directory.js';
import { armCode, toAzureError } from './errors.js';
import { assignmentNameFor, parseScope } from './scope.js';

/** Scope and subscription are re-derived from the request, so the handle repeats none of the env values. */
interface AzureHandle {
  assignmentName: string;
  principalId: string;
  roleDefinitionGuid: string;
}

// Control characters and path separators never appear in role names; ARM rejects them.
const ROLE = /^[^\p{Cc}/\\?#%]{1,512}$/u;

export function createAzureProvider(
  cfg: AzureSection,
  arm: AuthorizationManagementClient,
  credential: TokenCredential,
  deps: ProviderDeps,
): Provider {
  const now = clock(deps);
  const dir = createDirectory(cfg, credential, arm);
  const opts = () => ({ abortSignal: AbortSignal.timeout(cfg.timeout_ms) });
  const call = retryingCall(cfg.retry, toAzureError, deps);

  function validate(req: GrantRequest) {
    validateCommon('azure', req);
    if (!ROLE.test(req.role.trim()))
      invalid('azure', `role "${req.role}" is not a role name, role GUID or role definition id`);
    return parseScope(req.scope);
  }

  async function exists(h: { scope: string; assignmentName: string }): Promise<boolean> {
    return call('read role assignments at', h.scope, async () => {
      try {
        await arm.roleAssignments.get(h.scope, h.assignmentName, opts());
        return true;
      } catch (e) {
        if (armCode(e).status === 404) return false;
        throw e;
      }
    });
  }

  return {
    name: 'azure',
    validate(req) {
      validate(req);
    },

    async grant(req): Promise<GrantResult> {
      const s = validate(req);
      const assignmentName = assignmentNameFor(req.requestId);
      const principal = await call('look up', `requester ${req.principal.identity}`, () =>
        dir.principal(req),
      );
      const roleDefinitionId = await call('look up roles at', s.scope, () =>
        dir.roleDefinitionId(req.role.trim(), s.scope, s.subscriptionId),
      );
      const expiresAt = new Date(now().getTime() + cappedDuration(req, cfg.max_duration_seconds) * 1000);
      await call('create role assignments at', s.scope, async () => {
        try {
          await arm.roleAssignments.create(
            s.scope,
            assignmentName,
            {
              roleDefinitionId,
              principalId: principal.id,
              ...(principal.type ? { principalType: principal.type } : {}),
              description: `jitsudo ${req.requestId} for ${req.principal.identity}`.slice(0, 1024),
            },
            opts(),
          );
        } catch (e) {
          if (armCode(e).code !== 'RoleAssignmentExists') throw e;
          // Ours already (a retried PUT) is fine; someone else's must not be adopted: revoking it later would take away standing access.
          if (await exists({ scope: s.scope, assignmentName })) return;
          throw new ProviderError(
            'azure',
            `${req.principal.identity} already holds "${req.role}" at ${s.scope} through an assignment jitsudo did not make for this request; nothing to grant`,
            false,
            { cause: e },
          );
        }
      });
      const credentials: Record<string, string> = { AZURE_TENANT_ID: cfg.tenant_id };
      if (s.subscriptionId)
        Object.assign(credentials, {
          AZURE_SUBSCRIPTION_ID: s.subscriptionId,
          ARM_SUBSCRIPTION_ID: s.subscriptionId,
        });
      if (s.resourceGroup) credentials.AZURE_DEFAULTS_GROUP = s.resourceGroup;
      return {
        expiresAt,
        credentials,
        handle: {
          assignmentName,
          principalId: principal.id,
          roleDefinitionGuid: roleDefinitionId.split('/').pop()!,
        } satisfies AzureHandle,
        notice: `The role is assigned to your own Entra ID identity: use \`az login\` as ${req.principal.identity}. New assignments can take a few minutes to take effect.`,
      };
    },

    async revoke(ref: GrantRef) {
      const { scope } = parseScope(ref.request.scope);
      const name = assignmentNameFor(ref.request.requestId);
      // DELETE is idempotent in ARM: 200 with the deleted assignment, or 204 when there was none.
      await call('delete role assignments at', scope, () => arm.roleAssignments.delete(scope, name, opts()));
    },

    // A role assignment has no expiry of its own: the sweeper's deadline is all there is to move.
    async extend(_ref: GrantRef, expiresAt: Date) {
      return { expiresAt };
    },

    async isActive(ref: GrantRef) {
      return exists({
        scope: parseScope(ref.request.scope).scope,
        assignmentName: assignmentNameFor(ref.request.requestId),
      });
    },
  };
}
