/**
 * `jitsudo principal get|list|set-tier`: who has called jitsudo and at what trust tier. Listing and
 * setting tiers are for administrators; anyone may read their own record. The server decides.
 */
import { defineCommand } from 'citty';
import { z } from 'zod';
import type { Principal } from '../../client/types.js';
import { globalFields, leaf } from '../args.js';
import { authedClient } from '../context.js';
import { clip, columns, emit, labelled, note } from '../output.js';

const IdentityArg = z.string().min(1).max(254);

const detail = (p: Principal) =>
  labelled([
    ['Identity', p.identity],
    ['Kind', p.kind],
    ['Trust tier', String(p.trust_tier)],
    ['Agent id', p.agent_id],
    ['Enrolled by', p.enrolled_by],
    ['Enrolled', p.enrolled_at],
    ['Last seen', p.last_seen_at],
    ['Notes', p.notes],
  ]);

export const principalGetCommand = leaf({
  name: 'get',
  description: 'Show a principal (yourself, or anyone for admins)',
  args: {
    identity: { type: 'positional', description: 'email, agent:<name> or service:<id>', required: true },
  },
  schema: z.object({ identity: IdentityArg, ...globalFields }).strict(),
  async run(a) {
    const p = await authedClient(a.server).getPrincipal(a.identity);
    emit(a.output, p, () => detail(p));
  },
});

export const principalListCommand = leaf({
  name: 'list',
  description: 'Principals, most recently seen first (admin)',
  args: {
    kind: { type: 'string', description: 'only human, agent or service' },
    'min-tier': { type: 'string', description: 'only principals at this trust tier or above (0–4)' },
    limit: { type: 'string', description: 'page size (1–1000, default 100)' },
    'page-token': { type: 'string', description: 'continue a previous listing' },
  },
  schema: z
    .object({
      kind: z.enum(['human', 'agent', 'service']).optional(),
      minTier: z.coerce.number().int().min(0).max(4).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      pageToken: z.string().max(512).optional(),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    const page = await authedClient(a.server).listPrincipals({
      kind: a.kind,
      min_tier: a.minTier,
      page_size: a.limit,
      page_token: a.pageToken,
    });
    emit(a.output, page, () =>
      columns(
        ['IDENTITY', 'KIND', 'TIER', 'LAST SEEN', 'NOTES'],
        page.principals.map((p) => [
          p.identity,
          p.kind ?? '',
          String(p.trust_tier),
          p.last_seen_at ?? '',
          clip(p.notes),
        ]),
        'No principals found.',
      ),
    );
    if (page.next_page_token && a.output === 'table')
      note(`More: jitsudo principal list --page-token ${page.next_page_token}`);
  },
});

export const principalSetTierCommand = leaf({
  name: 'set-tier',
  description: 'Set a principal’s trust tier 0–4 (admin; audited with the old and new tier)',
  args: {
    identity: { type: 'positional', description: 'email, agent:<name> or service:<id>', required: true },
    tier: { type: 'positional', description: 'trust tier 0–4', required: true },
    notes: { type: 'string', description: 'why (stored with the principal and in the audit event)' },
  },
  schema: z
    .object({
      identity: IdentityArg,
      tier: z
        .string()
        .regex(/^[0-4]$/, 'must be 0, 1, 2, 3 or 4')
        .transform(Number),
      notes: z.string().max(1024).optional(),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    const p = await authedClient(a.server).setTrustTier(a.identity, {
      trust_tier: a.tier,
      ...(a.notes !== undefined ? { notes: a.notes } : {}),
    });
    emit(a.output, p, () => `Principal ${p.identity} is now at trust tier ${p.trust_tier}.`);
  },
});

export const principalCommand = defineCommand({
  meta: { name: 'principal', description: 'Principals and their trust tiers: get, list, set-tier' },
  subCommands: {
    get: principalGetCommand,
    list: principalListCommand,
    'set-tier': principalSetTierCommand,
  },
});
