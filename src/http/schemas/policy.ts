import { z } from '@hono/zod-openapi';

export const Policy = z
  .object({
    id: z.string().openapi({ example: 'pol_01J9Z7X3R4T5V6W7X8Y9Z0ABCD' }),
    name: z.string(),
    description: z.string().optional(),
    enabled: z.boolean(),
    revision: z.number().int().optional(),
    rego: z.string().optional(),
    created_at: z.string().optional(),
    updated_at: z.string(),
    updated_by: z.string().optional(),
  })
  .passthrough()
  .openapi('Policy');

export const PolicyEnvelope = z.object({ policy: Policy }).openapi('PolicyEnvelope');
export const PolicyList = z
  .object({ policies: z.array(Policy), next_page_token: z.string().nullable().optional() })
  .openapi('PolicyList');

export const ApplyPolicyBody = z
  .object({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash, underscore'),
    rego: z
      .string()
      .min(1)
      .max(512 * 1024),
    description: z.string().max(1024).optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .openapi('ApplyPolicyInput');

export const EvalPolicyBody = z
  .object({
    type: z.enum(['eligibility', 'approval']).default('eligibility'),
    /** The PolicyInput document (user, request, context). */
    input: z.record(z.string(), z.unknown()),
    /** An unsaved candidate module evaluated together with (or instead of, by name) the stored set. */
    candidate: z
      .object({
        name: z.string().min(1).max(128),
        rego: z
          .string()
          .min(1)
          .max(512 * 1024),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('EvalPolicyInput');

export const EvalResult = z
  .object({
    allow: z.boolean(),
    reason: z.string(),
    reasons: z.array(z.string()).optional(),
    approver_tier: z.enum(['auto', 'ai_review', 'human']).nullable().optional(),
    decided_by: z.array(z.string()).optional(),
  })
  .passthrough()
  .openapi('EvalPolicyResult');

export const ReloadResult = z.object({ policies_loaded: z.number().int() }).openapi('ReloadPoliciesResult');
