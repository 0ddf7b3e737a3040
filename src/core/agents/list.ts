/** listAgents: admins see every agent; other people see the agents they own. */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { listAgentRows } from '../db/agents-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { isId } from '../ids.js';
import { parseInput } from '../requests/load.js';
import { invalidPageToken, pageTokenText } from '../validation/page-token.js';
import { safeText } from '../validation/text.js';
import { type AgentView, toAgentView } from './view.js';

const Bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1'),
]);

export const ListAgentsInput = z
  .object({
    owner: safeText(254).trim().toLowerCase().min(1).optional(),
    include_revoked: Bool.default(false),
    page_size: z.coerce.number().int().min(1).max(500).default(100),
    page_token: pageTokenText(64).optional(),
  })
  .strict();

export interface AgentListView {
  agents: AgentView[];
  next_page_token: string | null;
}

/** Lists agents; invariant: a non-admin only ever sees agents they own. */
export async function listAgents(deps: CoreDeps, actor: Actor, input: unknown): Promise<AgentListView> {
  if (actor.kind !== 'human') throw new AppError('FORBIDDEN', 'only people can list agents');
  const v = parseInput(ListAgentsInput, input);
  const self = actor.identity.toLowerCase();
  if (!actor.isAdmin && v.owner !== undefined && v.owner !== self)
    throw new AppError('FORBIDDEN', "only admins can list other people's agents", {
      details: { field: 'owner' },
    });
  if (v.page_token !== undefined && !isId(v.page_token, 'agt')) throw invalidPageToken();
  const rows = await listAgentRows(deps.db, {
    owner: actor.isAdmin ? v.owner : self,
    includeRevoked: v.include_revoked,
    after: v.page_token,
    limit: v.page_size + 1,
  });
  const page = rows.slice(0, v.page_size);
  return {
    agents: page.map(toAgentView),
    next_page_token: rows.length > v.page_size ? page.at(-1)!.id : null,
  };
}
