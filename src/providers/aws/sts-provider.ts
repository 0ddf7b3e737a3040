/**
 * AWS mode `sts_assume_role`: AssumeRole per request, revocation by a deny keyed on exactly that
 * session (see denyDocument), and cleanup of the deny once the credential has expired anyway.
 */
import {
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { GrantRef, GrantRequest, GrantResult, Provider } from '../../core/providers/types.js';
import { ProviderError } from '../../core/providers/types.js';
import { clock, type ProviderDeps } from '../shared/deps.js';
import { retryingCall } from '../shared/retry.js';
import { cappedDuration } from '../shared/validate.js';
import type { AwsClients } from './clients.js';
import type { AwsSection } from './config.js';
import { awsErrorName, toAwsError } from './errors.js';
import { denyDocument, denyPolicyNameFor, planAssumeRole } from './sts-request.js';

export interface StsHandle {
  mode: 'sts_assume_role';
  roleArn: string;
  roleName: string;
  account: string;
  sessionName: string;
  assumedRoleId: string;
}

export function createStsProvider(cfg: AwsSection, clients: AwsClients, deps: ProviderDeps): Provider {
  const now = clock(deps);
  const signal = () => ({ abortSignal: AbortSignal.timeout(cfg.timeout_ms) });
  const call = retryingCall(cfg.retry, toAwsError, deps);

  /**
   * The handle stored with the grant. Without one no credential was ever handed out (the grant
   * failed, or its answer was lost before core stored it): an STS secret nobody holds needs no
   * revocation, so revoke, isActive and cleanup treat the grant as never issued.
   */
  function handleOf(ref: GrantRef): StsHandle | undefined {
    const h = ref.handle as Partial<StsHandle>;
    return h.roleName && h.assumedRoleId && h.account && h.sessionName ? (h as StsHandle) : undefined;
  }

  /**
   * STS's own expiry has passed (by our clock, which must be NTP-synced: a clock running ahead of
   * AWS's would drop a deny a few seconds early). Exactly at expiry, so the sweeper's after-end
   * check, which runs at expiry, always finds the deny removable.
   */
  const credentialGone = (ref: GrantRef) => now().getTime() >= ref.expiresAt.getTime();

  /** The role's own session limit (IAM MaxSessionDuration). */
  async function roleMaxOf(plan: ReturnType<typeof planAssumeRole>): Promise<number> {
    const iam = clients.iamFor(plan.account);
    const role = await call('read', plan.roleArn, () =>
      iam.send(new GetRoleCommand({ RoleName: plan.roleName }), signal()),
    );
    return role.Role?.MaxSessionDuration ?? 3600;
  }

  /** AssumeRole for `duration` seconds with the request's session name, tags and scoping. */
  function assume(plan: ReturnType<typeof planAssumeRole>, duration: number) {
    return call('assume', plan.roleArn, async () => {
      try {
        return await clients.sts.send(
          new AssumeRoleCommand({
            RoleArn: plan.roleArn,
            RoleSessionName: plan.sessionName,
            DurationSeconds: duration,
            SourceIdentity: plan.sourceIdentity,
            Tags: plan.tags,
            ...(plan.policy ? { Policy: plan.policy } : {}),
            ...(plan.policyArns ? { PolicyArns: plan.policyArns } : {}),
          }),
          signal(),
        );
      } catch (e) {
        throw assumeRoleError(e, plan.roleArn, duration);
      }
    });
  }

  /** The credentials env of an AssumeRole answer. Secret. */
  const credentialsOf = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }) => ({
    AWS_ACCESS_KEY_ID: c.AccessKeyId!,
    AWS_SECRET_ACCESS_KEY: c.SecretAccessKey!,
    AWS_SESSION_TOKEN: c.SessionToken!,
    AWS_REGION: cfg.region,
    AWS_DEFAULT_REGION: cfg.region,
  });

  return {
    name: 'aws',
    validate(req) {
      planAssumeRole(cfg, req);
    },

    async grant(req: GrantRequest): Promise<GrantResult> {
      const plan = planAssumeRole(cfg, req);
      const roleMax = await roleMaxOf(plan);
      const wanted = cappedDuration(req, cfg.max_duration_seconds);
      const duration = Math.max(900, Math.min(wanted, roleMax));
      const out = await assume(plan, duration);
      const c = out.Credentials!;
      const notes: string[] = [];
      if (duration < req.durationSeconds)
        notes.push(
          `AWS role ${plan.roleName} allows sessions of at most ${roleMax} s; granted ${duration} s.`,
        );
      return {
        expiresAt: c.Expiration!,
        credentials: credentialsOf(c),
        handle: {
          mode: 'sts_assume_role',
          roleArn: plan.roleArn,
          roleName: plan.roleName,
          account: plan.account,
          sessionName: plan.sessionName,
          assumedRoleId: out.AssumedRoleUser!.AssumedRoleId!,
        } satisfies StsHandle,
        ...(notes.length ? { notice: notes.join(' ') } : {}),
      };
    },

    /**
     * STS credentials cannot be lengthened: a new session with the same name (so the same
     * assumed-role id, which a revocation deny still covers) runs to the new end, within the role's
     * MaxSessionDuration counted from now. Not after a revocation: its deny would refuse them anyway.
     */
    async extend(ref, wanted) {
      const h = handleOf(ref);
      if (!h || !(await this.isActive(ref)))
        throw new ProviderError('aws', 'this STS session was revoked or has ended; nothing to extend', false);
      const plan = planAssumeRole(cfg, ref.request);
      const roleMax = await roleMaxOf(plan);
      const needed = Math.ceil((wanted.getTime() - now().getTime()) / 1000);
      const duration = Math.max(900, Math.min(needed, roleMax));
      const out = await assume(plan, duration);
      const c = out.Credentials!;
      return {
        expiresAt: c.Expiration!,
        credentials: credentialsOf(c),
        handle: { ...h, assumedRoleId: out.AssumedRoleUser!.AssumedRoleId! } satisfies StsHandle,
        ...(needed > roleMax
          ? {
              notice: `AWS role ${plan.roleName} allows sessions of at most ${roleMax} s from now; the grant ends then.`,
            }
          : {}),
      };
    },

    async revoke(ref) {
      // STS itself ended the credential: adding a deny now would only pile up inline policies.
      const h = handleOf(ref);
      if (!h || credentialGone(ref)) return;
      const iam = clients.iamFor(h.account);
      await call('attach a revocation policy to', h.roleArn, async () => {
        try {
          await iam.send(
            new PutRolePolicyCommand({
              RoleName: h.roleName,
              PolicyName: denyPolicyNameFor(h.sessionName),
              PolicyDocument: denyDocument(h.assumedRoleId),
            }),
            signal(),
          );
        } catch (e) {
          // The role is gone, and with it every permission its sessions had.
          if (awsErrorName(e) === 'NoSuchEntity') return;
          if (awsErrorName(e) === 'LimitExceeded')
            throw new ProviderError(
              'aws',
              `role ${h.roleName} has no room for another inline revocation policy (IAM's 10,240-character quota); it frees up as revoked sessions expire and are cleaned up`,
              true,
              { cause: e },
            );
          throw e;
        }
      });
    },

    async isActive(ref) {
      const h = handleOf(ref);
      if (!h || now() >= ref.expiresAt) return false;
      const iam = clients.iamFor(h.account);
      return call('read', h.roleArn, async () => {
        try {
          await iam.send(new GetRoleCommand({ RoleName: h.roleName }), signal());
        } catch (e) {
          if (awsErrorName(e) === 'NoSuchEntity') return false;
          throw e;
        }
        try {
          await iam.send(
            new GetRolePolicyCommand({ RoleName: h.roleName, PolicyName: denyPolicyNameFor(h.sessionName) }),
            signal(),
          );
          return false;
        } catch (e) {
          if (awsErrorName(e) === 'NoSuchEntity') return true;
          throw e;
        }
      });
    },

    async cleanup(ref) {
      // Before the credential's own expiry the deny is the only thing stopping a revoked session.
      const h = handleOf(ref);
      if (!h || !credentialGone(ref)) return;
      const iam = clients.iamFor(h.account);
      await call('remove the revocation policy from', h.roleArn, async () => {
        try {
          await iam.send(
            new DeleteRolePolicyCommand({
              RoleName: h.roleName,
              PolicyName: denyPolicyNameFor(h.sessionName),
            }),
            signal(),
          );
        } catch (e) {
          if (awsErrorName(e) !== 'NoSuchEntity') throw e;
        }
      });
    },
  };
}

function assumeRoleError(e: unknown, roleArn: string, duration: number): unknown {
  const name = awsErrorName(e);
  const msg = (e as Error)?.message ?? '';
  if (name === 'AccessDenied')
    return new ProviderError(
      'aws',
      `jitsudod's identity may not assume ${roleArn}: the role's trust policy must allow sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity for jitsudod`,
      false,
      { cause: e },
    );
  if (name === 'ValidationError' && /DurationSeconds/i.test(msg))
    return new ProviderError(
      'aws',
      `AWS refused a ${duration}-second session on ${roleArn}: ${msg.split('\n')[0]} (sessions reached by role chaining are limited to 1 hour)`,
      false,
      { cause: e },
    );
  if (name === 'RegionDisabled')
    return new ProviderError('aws', `STS is not activated in this region for ${roleArn}`, false, {
      cause: e,
    });
  return e;
}
