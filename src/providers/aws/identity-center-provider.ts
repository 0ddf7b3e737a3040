/**
 * AWS mode `identity_center`: an account assignment (user × permission set × account) for the
 * duration, created and deleted through SSO Admin's asynchronous API. The user signs in with their
 * own SSO session; jitsudo issues no keys. Identity Center has no expiry, so the sweeper enforces it.
 */
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
} from '@aws-sdk/client-sso-admin';
import type { GrantRef, GrantRequest, Provider } from '../../core/providers/types.js';
import { ProviderError } from '../../core/providers/types.js';
import { clock, type ProviderDeps } from '../shared/deps.js';
import { retryingCall } from '../shared/retry.js';
import { cappedDuration, invalid, validateCommon } from '../shared/validate.js';
import type { AwsClients } from './clients.js';
import type { AwsSection } from './config.js';
import { awsErrorName, toAwsError } from './errors.js';
import { createLookups, PERMISSION_SET_ARN } from './identity-center-lookup.js';

interface IcHandle {
  mode: 'identity_center';
  account: string;
  permissionSetArn: string;
  permissionSetName: string;
  principalId: string;
}

type Status = { Status?: string; RequestId?: string; FailureReason?: string } | undefined;

export function createIdentityCenterProvider(
  cfg: AwsSection,
  clients: AwsClients,
  deps: ProviderDeps,
): Provider {
  const ic = cfg.identity_center!;
  const now = clock(deps);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const sso = clients.ssoAdmin;
  const lookups = createLookups(cfg, sso, clients.identityStore, now, cfg.timeout_ms);
  const opt = () => ({ abortSignal: AbortSignal.timeout(cfg.timeout_ms) });
  const call = retryingCall(cfg.retry, toAwsError, deps);
  const describeTarget = (h: Pick<IcHandle, 'account' | 'permissionSetName'>) =>
    `permission set ${h.permissionSetName} in account ${h.account}`;

  function validate(req: GrantRequest): void {
    validateCommon('aws', req);
    if (!/^\d{12}$/.test(req.scope))
      invalid('aws', `scope must be a 12-digit AWS account id, got "${req.scope}"`);
    if (!PERMISSION_SET_ARN.test(req.role) && !/^[\w+=,.@-]{1,32}$/.test(req.role))
      invalid(
        'aws',
        `role "${req.role}" is neither a permission set name (at most 32 of letters, digits, +=,.@_-) nor a permission set ARN`,
      );
  }

  async function resolve(ref: GrantRef): Promise<IcHandle> {
    const h = ref.handle as Partial<IcHandle>;
    if (h.permissionSetArn && h.principalId && h.account) return h as IcHandle;
    const ps = await lookups.permissionSet(ref.request.role);
    const principalId = await lookups.userId(ref.request.principal.identity);
    return {
      mode: 'identity_center',
      account: ref.request.scope,
      permissionSetArn: ps.arn,
      permissionSetName: ps.name,
      principalId,
    };
  }

  /** Polls the async status until it settles; an unsettled op is retryable, a FAILED one is not. */
  async function settle(kind: 'create' | 'delete', first: Status, target: string): Promise<void> {
    const deadline = now().getTime() + ic.poll_timeout_ms;
    let st = first;
    while (st?.Status === 'IN_PROGRESS') {
      if (now().getTime() > deadline)
        throw new ProviderError(
          'aws',
          `Identity Center is still provisioning the ${kind} of ${target}; will check again`,
          true,
        );
      await sleep(ic.poll_interval_ms);
      st = await call('check the assignment status of', target, async () => {
        if (kind === 'create') {
          const o = await sso.send(
            new DescribeAccountAssignmentCreationStatusCommand({
              InstanceArn: ic.instance_arn,
              AccountAssignmentCreationRequestId: st!.RequestId,
            }),
            opt(),
          );
          return o.AccountAssignmentCreationStatus;
        }
        const o = await sso.send(
          new DescribeAccountAssignmentDeletionStatusCommand({
            InstanceArn: ic.instance_arn,
            AccountAssignmentDeletionRequestId: st!.RequestId,
          }),
          opt(),
        );
        return o.AccountAssignmentDeletionStatus;
      });
    }
    if (st?.Status !== 'SUCCEEDED')
      throw new ProviderError(
        'aws',
        `Identity Center could not ${kind} the assignment of ${target}: ${st?.FailureReason ?? st?.Status ?? 'no status'}`,
        false,
      );
  }

  async function assigned(h: IcHandle): Promise<boolean> {
    let token: string | undefined;
    do {
      const page = await call('list assignments of', describeTarget(h), () =>
        sso.send(
          new ListAccountAssignmentsCommand({
            InstanceArn: ic.instance_arn,
            AccountId: h.account,
            PermissionSetArn: h.permissionSetArn,
            NextToken: token,
          }),
          opt(),
        ),
      );
      if (page.AccountAssignments?.some((a) => a.PrincipalType === 'USER' && a.PrincipalId === h.principalId))
        return true;
      token = page.NextToken;
    } while (token);
    return false;
  }

  const target = (h: IcHandle) => ({
    InstanceArn: ic.instance_arn,
    TargetId: h.account,
    TargetType: 'AWS_ACCOUNT' as const,
    PermissionSetArn: h.permissionSetArn,
    PrincipalType: 'USER' as const,
    PrincipalId: h.principalId,
  });

  return {
    name: 'aws',
    validate,

    async grant(req) {
      validate(req);
      const h = await call('resolve', `permission set ${req.role}`, () =>
        resolve({ request: req, handle: {}, expiresAt: now() }),
      );
      const existed = await assigned(h);
      const first = await call('create the assignment of', describeTarget(h), async () => {
        const o = await sso.send(new CreateAccountAssignmentCommand(target(h)), opt());
        return o.AccountAssignmentCreationStatus;
      });
      await settle('create', first, describeTarget(h));
      const portal = ic.portal_url ? ` (${ic.portal_url})` : '';
      const notes = [
        `Identity Center access uses your own SSO session: run \`aws sso login\`${portal}, then use account ${h.account} with permission set ${h.permissionSetName}. jitsudo issues no keys for this grant.`,
      ];
      if (existed) notes.push('You already held this assignment; ending this request removes it.');
      return {
        expiresAt: new Date(now().getTime() + cappedDuration(req, cfg.max_duration_seconds) * 1000),
        credentials: { AWS_REGION: cfg.region, AWS_DEFAULT_REGION: cfg.region },
        handle: { ...h } satisfies IcHandle,
        notice: notes.join(' '),
      };
    },

    async revoke(ref) {
      const h = await call('resolve', `permission set ${ref.request.role}`, () => resolve(ref));
      const first = await call('delete the assignment of', describeTarget(h), async () => {
        try {
          const o = await sso.send(new DeleteAccountAssignmentCommand(target(h)), opt());
          return o.AccountAssignmentDeletionStatus;
        } catch (e) {
          if (awsErrorName(e) === 'ResourceNotFound') return undefined;
          throw e;
        }
      });
      if (first) await settle('delete', first, describeTarget(h));
      // Only report success once the assignment is verifiably gone.
      if (await assigned(h))
        throw new ProviderError(
          'aws',
          `the assignment of ${describeTarget(h)} is still present after deletion; will retry`,
          true,
        );
    },

    // An assignment has no expiry of its own: the sweeper's deadline is all there is to move.
    async extend(_ref, expiresAt) {
      return { expiresAt };
    },

    async isActive(ref) {
      return assigned(await call('resolve', `permission set ${ref.request.role}`, () => resolve(ref)));
    },
  };
}
