import { z } from 'zod';
import type { Actor } from '../actor.js';
import type { Executor } from '../db/client.js';
import { listPrincipalRows, type PrincipalCursor } from '../db/principals-list-repo.js';
import type { PrincipalRow } from '../db/principals-repo.js';
import { AppError } from '../errors.js';
import { decodePageToken, encodePageToken, pageTokenText } from '../validation/page-token.js';
import { isStorableTime } from '../validation/time.js';
import { Identity, invalid } from './access.js';

export const ListPrincipalsInput = z
  .object({
    kind: z.enum(['human', 'agent', 'service']).optional(),
    min_tier: z.number().int().min(0).max(4).optional(),
    page_size: z.number().int().min(1).max(1000).default(100),
    page_token: pageTokenText().optional(),
  })
  .strict();
export type ListPrincipalsInput = z.input<typeof ListPrincipalsInput>;

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const token = (r: PrincipalRow) => encodePageToken(`${r.last_seen_at}|${r.identity}`);
/** Only `<ISO time>|<valid identity>` is one of our cursors (an identity may itself hold `|`). */
const untoken = (t: string): PrincipalCursor =>
  decodePageToken(t, (text) => {
    const cut = text.indexOf('|');
    const at = text.slice(0, cut);
    const identity = text.slice(cut + 1);
    const lastSeenAt = new Date(ISO_MS.test(at) ? at : Number.NaN);
    if (cut < 0 || !isStorableTime(lastSeenAt) || !Identity.safeParse(identity).success) return undefined;
    return { lastSeenAt, identity };
  });

/**
 * Principals, most recently seen first, optionally of one kind or at a minimum tier. Admin only:
 * the list names every person, agent and machine that ever called. Reads change nothing, so no audit.
 */
export async function listPrincipals(
  deps: { db: Executor },
  actor: Actor,
  input: unknown = {},
): Promise<{ principals: PrincipalRow[]; next_page_token: string | null }> {
  if (!actor.isAdmin) throw new AppError('FORBIDDEN', 'only administrators may list principals');
  const r = ListPrincipalsInput.safeParse(input ?? {});
  if (!r.success) throw invalid(r.error);
  const { kind, min_tier, page_size, page_token } = r.data;
  const rows = await listPrincipalRows(deps.db, {
    kind,
    minTier: min_tier,
    after: page_token ? untoken(page_token) : undefined,
    limit: page_size + 1,
  });
  const page = rows.slice(0, page_size);
  return {
    principals: page,
    next_page_token: rows.length > page_size ? token(page.at(-1)!) : null,
  };
}
