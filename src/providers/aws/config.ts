import { z } from 'zod';
import { CommonSection } from '../shared/section.js';

const IdentityCenter = z
  .object({
    instance_arn: z.string().regex(/^arn:aws[\w-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/),
    identity_store_id: z.string().regex(/^d-[0-9a-f]{10}$|^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/),
    /** Permission set name → ARN. Names not listed are looked up with ListPermissionSets. */
    permission_sets: z.record(z.string(), z.string()).default({}),
    /** Identity Store attribute the requester's identity is matched against. */
    user_attribute: z.enum(['userName']).default('userName'),
    poll_interval_ms: z.number().int().positive().default(1_000),
    poll_timeout_ms: z.number().int().positive().default(120_000),
    /** AWS access portal URL shown in the notice (`aws sso login` needs it once). */
    portal_url: z.string().url().optional(),
  })
  .strict();

export const AwsSection = z
  .object({
    mode: z.enum(['sts_assume_role', 'identity_center']).default('sts_assume_role'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
      .default('us-east-1'),
    /** One endpoint for STS, IAM, SSO Admin and Identity Store (LocalStack, the test fake). */
    endpoint: z.string().url().optional(),
    role_arn_template: z.string().default('arn:aws:iam::{scope}:role/{role}'),
    /**
     * Role jitsudod assumes in the target account to manage revocation policies there, e.g.
     * `arn:aws:iam::{scope}:role/jitsudod-revoker`. Unset → IAM calls use jitsudod's own identity
     * (works only for roles in jitsudod's own account).
     */
    admin_role_arn_template: z.string().optional(),
    /** Static keys (tests, LocalStack). Unset → the SDK's default chain (env, IRSA, IMDS, ...). */
    credentials: z
      .object({
        access_key_id: z.string().min(16),
        secret_access_key: z.string().min(1),
        session_token: z.string().optional(),
      })
      .strict()
      .optional(),
    /** Request metadata keys holding a down-scoping session policy (JSON) and managed policy ARNs. */
    session_policy_key: z.string().default('aws_session_policy'),
    session_policy_arns_key: z.string().default('aws_session_policy_arns'),
    identity_center: IdentityCenter.optional(),
    ...CommonSection,
  })
  .strict()
  .refine((s) => s.mode !== 'identity_center' || s.identity_center, {
    message: 'identity_center settings are required when mode is identity_center',
    path: ['identity_center'],
  });

export type AwsSection = z.infer<typeof AwsSection>;
