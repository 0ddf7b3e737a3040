import { z } from '@hono/zod-openapi';
import { safeText } from '../../core/validation/text.js';
import { QueryBool } from './common.js';

export const Agent = z
  .object({
    id: z.string().openapi({ example: 'agt_01J9Z7X3R4T5V6W7X8Y9Z0ABCD' }),
    name: z.string().openapi({ example: 'deploy-bot' }),
    identity: z.string().openapi({ example: 'agent:deploy-bot' }),
    owner: z.string().openapi({ example: 'alice@example.com' }),
    created_by: z.string().openapi({
      description: 'who registered it; with the owner, the people who control it',
      example: 'alice@example.com',
    }),
    scopes: z.array(z.string()).openapi({ example: ['requester'] }),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
  })
  .openapi('Agent');

export const CreatedAgent = z
  .object({
    agent: Agent,
    token: z.string().openapi({
      description: 'The agent’s bearer token (`jit_agt_…`). Shown once; only its hash is stored.',
      example: 'jit_agt_…',
    }),
  })
  .openapi('CreatedAgent');

export const AgentList = z
  .object({ agents: z.array(Agent), next_page_token: z.string().nullable() })
  .openapi('AgentList');

export const CreateAgentBody = z
  .object({
    name: safeText(64).min(1).openapi({ example: 'deploy-bot' }),
    owner: safeText(254)
      .optional()
      .openapi({ description: 'the human it acts for; default: you (admins may name anyone)' }),
    scopes: z
      .array(z.enum(['requester', 'ai-reviewer']))
      .max(8)
      .optional()
      .openapi({ description: 'default ["requester"]; ai-reviewer needs an admin' }),
  })
  .strict()
  .openapi('CreateAgentInput');

export const ListAgentsQuery = z.object({
  owner: safeText(254)
    .optional()
    .openapi({ param: { name: 'owner', in: 'query' } }),
  include_revoked: QueryBool.optional().openapi({ param: { name: 'include_revoked', in: 'query' } }),
});

export const RevokeAgentBody = z
  .object({
    reason: safeText(4096).optional(),
    keep_grants: z.boolean().optional().openapi({
      description: 'admins only: leave its grants running (its PENDING requests are cancelled anyway)',
    }),
  })
  .openapi('RevokeAgentInput');

export const DeleteAgentQuery = z.object({
  keep_grants: QueryBool.optional().openapi({ param: { name: 'keep_grants', in: 'query' } }),
});

export const RevokedAgent = z
  .object({
    agent: Agent,
    requests: z
      .array(
        z.object({
          id: z.string(),
          outcome: z.enum(['cancelled', 'revoked', 'revoking', 'stopped', 'kept']),
        }),
      )
      .openapi({ description: 'each request it still had open, and what revoking did to it' }),
  })
  .openapi('RevokedAgent');

export const AgentIdParam = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/, 'not an agent id or name')
      .openapi({ param: { name: 'id', in: 'path' }, example: 'agt_01J9Z7X3R4T5V6W7X8Y9Z0ABCD' }),
  })
  .openapi('AgentIdParam');

export const EligibleEntry = z
  .object({
    provider: z.string(),
    role: z.string(),
    scope: z.string(),
    description: z.string(),
    max_duration_seconds: z.number().int(),
    approver_tier: z.enum(['auto', 'ai_review', 'human']),
  })
  .openapi('EligibleEntry');

export const EligibleAccess = z
  .object({
    entries: z.array(EligibleEntry),
    checked: z.number().int(),
    not_eligible: z.number().int(),
    truncated: z.boolean(),
    trust_tier: z.number().int(),
  })
  .openapi('EligibleAccess');

export const EligibleQuery = z.object({
  provider: safeText(64)
    .min(1)
    .optional()
    .openapi({ param: { name: 'provider', in: 'query' } }),
  role: safeText(256)
    .min(1)
    .optional()
    .openapi({ param: { name: 'role', in: 'query' } }),
  scope: safeText(1024)
    .optional()
    .openapi({ param: { name: 'scope', in: 'query' } }),
});
