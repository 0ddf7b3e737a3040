import { z } from 'zod';
import type { Actor } from '../actor.js';
import { queryAuditRecords } from '../db/audit-repo.js';
import { AppError } from '../errors.js';
import type { AuditDeps } from './access.js';
import type { AuditRecord } from './hash.js';

const Timestamp = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const QueryAuditInput = z
  .object({
    actor: z.string().min(1).max(512).optional(),
    action: z.string().min(1).max(128).optional(),
    request_id: z.string().min(1).max(128).optional(),
    provider: z.string().min(1).max(128).optional(),
    since: Timestamp.optional(),
    until: Timestamp.optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    cursor: z.string().min(1).max(64).optional(),
  })
  .strict();
export type QueryAuditInput = z.input<typeof QueryAuditInput>;

export interface AuditPage {
  events: AuditRecord[];
  /** Pass back as `cursor` for the next (older) page; null when this is the last page. */
  next_cursor: string | null;
}

const encodeCursor = (id: number) => Buffer.from(`a:${id}`).toString('base64url');

function decodeCursor(c: string): number {
  const m = /^a:(\d{1,15})$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
  if (!m) throw new AppError('VALIDATION', 'invalid cursor');
  return Number(m[1]);
}

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
