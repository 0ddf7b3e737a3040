import { z } from '@hono/zod-openapi';
import { QueryBool } from './common.js';

export const Agent = z
  .object({
    id: z.string().openapi({ example: 'agt_01J9Z7X3R4T5V6W7X8Y9Z0ABCD' }),
    name: z.string().openapi({ example: 'deploy-bot' }),
    identity: z.string().openapi({ example: 'agent:deploy-bot' }),
    owner: z.string().openapi({ example: 'alice@example.com' }),
    scopes: z.array(z.string()).openapi({ example: ['requester'] }),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
  })
  .openapi('Agent');

export const AgentEnvelope = z.object({ agent: Agent }).openapi('AgentEnvelope');

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
    name: z.string().min(1).max(64).openapi({ example: 'deploy-bot' }),
    owner: z
      .string()
      .max(254)
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
  owner: z
    .string()
    .max(254)
    .optional()
    .openapi({ param: { name: 'owner', in: 'query' } }),
  include_revoked: QueryBool.optional().openapi({ param: { name: 'include_revoked', in: 'query' } }),
});

export const RevokeAgentBody = z
  .object({ reason: z.string().max(4096).optional() })
  .openapi('RevokeAgentInput');

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
  provider: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ param: { name: 'provider', in: 'query' } }),
  role: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .openapi({ param: { name: 'role', in: 'query' } }),
  scope: z
    .string()
    .max(1024)
    .optional()
    .openapi({ param: { name: 'scope', in: 'query' } }),
});
