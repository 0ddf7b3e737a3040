import { z } from '@hono/zod-openapi';
import { PolicyCandidate, PolicyName, RegoSource, RegoVersion } from '../../core/policies/shared.js';
import { safeText } from '../../core/validation/text.js';

export const Policy = z
  .object({
    id: z.string().openapi({ example: 'pol_01J9Z7X3R4T5V6W7X8Y9Z0ABCD' }),
    // .meta, not .openapi: a schema built in core before @hono/zod-openapi loads has no .openapi method.
    name: PolicyName.meta({ example: 'eligibility.sre' }),
    package: z.string().openapi({ example: 'jitsudo.eligibility' }),
    description: z.string(),
    enabled: z.boolean(),
    revision: z.number().int(),
    rego_version: RegoVersion,
    sha256: z.string(),
    rego: z.string().optional().openapi({ description: 'only when reading one policy' }),
    created_at: z.string(),
    created_by: z.string(),
    updated_at: z.string(),
    updated_by: z.string(),
  })
  .openapi('Policy');

/** A policy is addressed by its name (or id). */
export const PolicyParam = z
  .object({
    id: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'not a policy name or id')
      .openapi({ param: { name: 'id', in: 'path' }, example: 'eligibility.sre' }),
  })
  .openapi('PolicyParam');

export const PolicyEnvelope = z.object({ policy: Policy }).openapi('PolicyEnvelope');
export const PolicyList = z
  .object({ policies: z.array(Policy), next_page_token: z.string().nullable().optional() })
  .openapi('PolicyList');

export const ApplyPolicyBody = z
  .object({
    name: PolicyName,
    rego: RegoSource,
    description: safeText(1024).optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .openapi('ApplyPolicyInput');

export const EvalPolicyBody = z
  .object({
    type: z.enum(['eligibility', 'approval']).default('eligibility'),
    /** The PolicyInput document (user, request, context), passed verbatim. */
    input: z.record(z.string(), z.unknown()),
    /** An unsaved module (admins): evaluated with the stored set (replacing its namesake) or instead of it. */
    candidate: PolicyCandidate.optional(),
    mode: z.enum(['with', 'instead']).optional(),
  })
  .strict()
  .openapi('EvalPolicyInput');

export const EvalResult = z
  .object({
    package: z.string(),
    allow: z.boolean(),
    reason: z.string(),
    reasons: z.array(z.string()),
    approver_tier: z.enum(['auto', 'ai_review', 'human']).nullable(),
    decided_by: z.array(z.string()),
    defined: z.boolean(),
    result: z.unknown(),
  })
  .openapi('EvalPolicyResult');

export const ReloadResult = z.object({ policies_loaded: z.number().int() }).openapi('ReloadPoliciesResult');
