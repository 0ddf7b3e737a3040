/** Name → ARN for permission sets and requester → Identity Store user id, cached for five minutes. */
import { GetUserIdCommand, type IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  ListPermissionSetsCommand,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { ProviderError } from '../../core/providers/types.js';
import type { AwsSection } from './config.js';
import { awsErrorName } from './errors.js';

const TTL_MS = 300_000;
export const PERMISSION_SET_ARN =
  /^arn:aws[\w-]*:sso:::permissionSet\/(sso)?ins-[a-zA-Z0-9-.]{16}\/ps-[a-zA-Z0-9-./]{16}$/;

interface Cached<T> {
  value: T;
  at: number;
}

export interface PermissionSetInfo {
  arn: string;
  name: string;
  sessionDuration?: string;
}

export function createLookups(
  cfg: AwsSection,
  sso: SSOAdminClient,
  ids: IdentitystoreClient,
  now: () => Date,
  timeoutMs: number,
) {
  const ic = cfg.identity_center!;
  const users = new Map<string, Cached<string>>();
  const sets = new Map<string, Cached<PermissionSetInfo>>();
  const fresh = <T>(c: Cached<T> | undefined) => (c && now().getTime() - c.at < TTL_MS ? c.value : undefined);
  const opt = () => ({ abortSignal: AbortSignal.timeout(timeoutMs) });

  async function describe(arn: string): Promise<PermissionSetInfo> {
    const out = await sso.send(
      new DescribePermissionSetCommand({ InstanceArn: ic.instance_arn, PermissionSetArn: arn }),
      opt(),
    );
    return { arn, name: out.PermissionSet?.Name ?? arn, sessionDuration: out.PermissionSet?.SessionDuration };
  }

  return {
    /** Resolves a permission set given by ARN, by configured name, or by listing the instance's sets. */
    async permissionSet(role: string): Promise<PermissionSetInfo> {
      const hit = fresh(sets.get(role));
      if (hit) return hit;
      let info: PermissionSetInfo | undefined;
      const arn = PERMISSION_SET_ARN.test(role) ? role : ic.permission_sets[role];
      if (arn) info = await describe(arn);
      else {
        let token: string | undefined;
        do {
          const page = await sso.send(
            new ListPermissionSetsCommand({ InstanceArn: ic.instance_arn, NextToken: token }),
            opt(),
          );
          for (const a of page.PermissionSets ?? []) {
            const d = await describe(a);
            sets.set(d.name, { value: d, at: now().getTime() });
            if (d.name === role) info = d;
          }
          token = page.NextToken;
        } while (token && !info);
      }
      if (!info)
        throw new ProviderError('aws', `Identity Center has no permission set named "${role}"`, false);
      sets.set(role, { value: info, at: now().getTime() });
      return info;
    },

    /** The requester's Identity Store user id (matched on userName). */
    async userId(identity: string): Promise<string> {
      const hit = fresh(users.get(identity));
      if (hit) return hit;
      try {
        const out = await ids.send(
          new GetUserIdCommand({
            IdentityStoreId: ic.identity_store_id,
            AlternateIdentifier: {
              UniqueAttribute: { AttributePath: ic.user_attribute, AttributeValue: identity },
            },
          }),
          opt(),
        );
        users.set(identity, { value: out.UserId!, at: now().getTime() });
        return out.UserId!;
      } catch (e) {
        if (awsErrorName(e) === 'ResourceNotFound')
          throw new ProviderError(
            'aws',
            `Identity Center has no user whose ${ic.user_attribute} is "${identity}"`,
            false,
            { cause: e },
          );
        throw e;
      }
    },
  };
}
