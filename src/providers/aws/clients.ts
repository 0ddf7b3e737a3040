import { IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsSection } from './config.js';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };
type CredSource = Creds | (() => Promise<Creds>) | undefined;

/** SDK clients share one shape: our retry policy is the only one (maxAttempts 1), calls time out. */
function base(cfg: AwsSection, credentials: CredSource) {
  return {
    region: cfg.region,
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: cfg.timeout_ms,
      connectionTimeout: cfg.timeout_ms,
      throwOnRequestTimeout: true,
    },
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

export interface AwsClients {
  sts: STSClient;
  /** IAM in the account that holds `roleArn` (via the admin role when one is configured). */
  iamFor(account: string): IAMClient;
  ssoAdmin: SSOAdminClient;
  identityStore: IdentitystoreClient;
}

export function createAwsClients(cfg: AwsSection): AwsClients {
  const own: CredSource = cfg.credentials
    ? {
        accessKeyId: cfg.credentials.access_key_id,
        secretAccessKey: cfg.credentials.secret_access_key,
        sessionToken: cfg.credentials.session_token,
      }
    : undefined;
  const sts = new STSClient(base(cfg, own));
  const iamByAccount = new Map<string, IAMClient>();
  const ownIam = new IAMClient(base(cfg, own));
  return {
    sts,
    iamFor(account) {
      if (!cfg.admin_role_arn_template) return ownIam;
      let c = iamByAccount.get(account);
      if (!c) {
        const roleArn = cfg.admin_role_arn_template.replaceAll('{scope}', account);
        c = new IAMClient(base(cfg, assumedCredentials(sts, roleArn, cfg.timeout_ms)));
        iamByAccount.set(account, c);
      }
      return c;
    },
    ssoAdmin: new SSOAdminClient(base(cfg, own)),
    identityStore: new IdentitystoreClient(base(cfg, own)),
  };
}

/** Credentials of an admin role in another account, refreshed five minutes before they lapse. */
function assumedCredentials(sts: STSClient, roleArn: string, timeoutMs: number): () => Promise<Creds> {
  let cached: Creds | undefined;
  return async () => {
    if (cached?.expiration && cached.expiration.getTime() - Date.now() > 300_000) return cached;
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'jitsudod-admin' }),
      {
        abortSignal: AbortSignal.timeout(timeoutMs),
      },
    );
    const c = out.Credentials!;
    cached = {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
    return cached;
  };
}
