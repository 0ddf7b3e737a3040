import { z } from 'zod';
import type { Actor } from '../actor.js';
import { queryAuditRecords } from '../db/audit-repo.js';
import { AppError } from '../errors.js';
import { decodePageToken, encodePageToken, pageTokenText } from '../validation/page-token.js';
import { safeText } from '../validation/text.js';
import { safeDate } from '../validation/time.js';
import type { AuditDeps } from './access.js';
import type { AuditRecord } from './hash.js';

export const QueryAuditInput = z
  .object({
    actor: safeText(512).min(1).optional(),
    action: safeText(128).min(1).optional(),
    request_id: safeText(128).min(1).optional(),
    provider: safeText(128).min(1).optional(),
    since: safeDate().optional(),
    until: safeDate().optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    cursor: pageTokenText(64).optional(),
  })
  .strict();
export type QueryAuditInput = z.input<typeof QueryAuditInput>;

export interface AuditPage {
  events: AuditRecord[];
  /** Pass back as `cursor` for the next (older) page; null when this is the last page. */
  next_cursor: string | null;
}

const encodeCursor = (id: number) => encodePageToken(`a:${id}`);

/** The id a cursor pages below: an audit row id (1 or more, at most 15 digits). */
const decodeCursor = (c: string): number =>
  decodePageToken(c, (text) => {
    const m = /^a:([1-9]\d{0,14})$/.exec(text);
    return m ? Number(m[1]) : undefined;
  });

/**
 * Audit events, newest first, with cursor pagination. Admins and `auditor` tokens see everything;
 * anyone else only events they performed, performed on their behalf, or about their own requests.
 */
export async function queryAudit(deps: AuditDeps, actor: Actor, input: unknown = {}): Promise<AuditPage> {
  const r = QueryAuditInput.safeParse(input ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new AppError('VALIDATION', `invalid ${i.path.join('.') || 'input'}: ${i.message}`);
  }
  const q = r.data;
  if (q.since && q.until && q.since > q.until)
    throw new AppError('VALIDATION', 'since must not be after until');
  const seeAll = actor.isAdmin || actor.scopes.includes('auditor');
  const rows = await queryAuditRecords(deps.db, {
    actor: q.actor,
    action: q.action,
    requestId: q.request_id,
    provider: q.provider,
    since: q.since,
    until: q.until,
    beforeId: q.cursor ? decodeCursor(q.cursor) : undefined,
    visibleTo: seeAll ? undefined : actor.identity,
    limit: q.limit + 1,
  });
  const more = rows.length > q.limit;
  const events = more ? rows.slice(0, q.limit) : rows;
  return { events, next_cursor: more ? encodeCursor(events.at(-1)!.id) : null };
}
