/** Principals who could decide a request, to notify them (ADR 0057); never an authorization check. */
import { sql } from 'drizzle-orm';
import { type Executor, sqlRows } from './client.js';

export interface CandidateQuery {
  /** The request's approver groups; empty: qualify by tier instead. */
  groups: readonly string[];
  minTier: number;
  /** Lower-cased emails of admins (auth.admin_emails) when the admin group is an approver group. */
  adminEmails: readonly string[];
  /** Lower-cased identities never to notify: the requester, the agent's controllers, who decided. */
  exclude: readonly string[];
  limit: number;
}

const list = (xs: readonly string[]) =>
  sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  );

/** Up to `limit` people (email identities), most recently seen first, and how many there are in all. */
export async function findApproverCandidates(
  db: Executor,
  q: CandidateQuery,
): Promise<{ emails: string[]; total: number }> {
  const qualifies =
    q.groups.length > 0
      ? sql`(exists (select 1 from jsonb_array_elements_text(p.groups) g(name) where g.name in (${list(q.groups)}))${
          q.adminEmails.length > 0 ? sql` or lower(p.identity) in (${list(q.adminEmails)})` : sql``
        })`
      : sql`p.trust_tier >= ${q.minTier}`;
  const rows = await sqlRows<{ identity: string; total: number | string }>(
    db,
    sql`select p.identity, count(*) over () as total from principals p
      where p.kind = 'human' and p.identity like '%_@_%' and ${qualifies}
      ${q.exclude.length > 0 ? sql`and lower(p.identity) not in (${list(q.exclude)})` : sql``}
      order by p.last_seen_at desc, p.identity limit ${q.limit}`,
  );
  return { emails: rows.map((r) => r.identity), total: Number(rows[0]?.total ?? 0) };
}
