import { z } from '@hono/zod-openapi';
import { safeText } from '../../core/validation/text.js';

export const Principal = z
  .object({
    identity: z.string(),
    kind: z.enum(['human', 'agent', 'service']).optional(),
    trust_tier: z.number().int().min(0).max(4),
    last_seen_at: z.string().nullable().optional(),
    notes: z.string().nullable().optional(),
  })
  .passthrough()
  .openapi('Principal');

export const PrincipalEnvelope = z.object({ principal: Principal }).openapi('PrincipalEnvelope');

export const PrincipalList = z
  .object({ principals: z.array(Principal), next_page_token: z.string().nullable() })
  .openapi('PrincipalList');

/** Filters of GET /principals (paging comes from PageQuery). */
export const ListPrincipalsQuery = z.object({
  kind: z
    .enum(['human', 'agent', 'service'])
    .optional()
    .openapi({ param: { name: 'kind', in: 'query' } }),
  min_tier: z.coerce
    .number()
    .int()
    .min(0)
    .max(4)
    .optional()
    .openapi({ param: { name: 'min_tier', in: 'query' }, example: 2 }),
});

export const IdentityParam = z.object({
  identity: safeText(254)
    .min(1)
    .openapi({ param: { name: 'identity', in: 'path' }, example: 'alice@example.com' }),
});

export const SetTrustTierBody = z
  .object({ trust_tier: z.number().int().min(0).max(4), notes: safeText(1024).optional() })
  .strict()
  .openapi('SetTrustTierInput');
