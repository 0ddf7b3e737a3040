/**
 * The counts behind the database-derived gauges of /metrics (ADR 0053). Each is one aggregate over
 * an indexed condition or a GROUP BY on low-cardinality columns; the exporter runs them at most
 * every `metrics.refresh_seconds`, whatever the scrape rate.
 */
import { sql } from 'drizzle-orm';
import { type Executor, sqlRows } from './client.js';

export interface OperationalCounts {
  requests: { state: string; provider: string; tier: string; n: number }[];
  /** Due now, per sweeper job. */
  due: { expire: number; revokeRetry: number; grantRetry: number; pendingExpire: number };
  /** Seconds the oldest ACTIVE grant past its expiry has been overdue (0: none). */
  expiryLagSeconds: number;
  /** ACTIVE grants whose revocation was attempted and failed (retrying). */
  revokeFailing: number;
  outbox: { sink: string; state: 'pending' | 'dead'; n: number; oldestSeconds: number }[];
  /** Events not yet fanned out to sinks. */
  outboxUndispatched: number;
  audit: { headId: number; headAgeSeconds: number } | undefined;
  checkpoint: { seq: number; ageSeconds: number } | undefined;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const iso = (d: Date) => d.toISOString();

/** Reads every count at `now` (the workers' clock, as the sweeper compares with). */
export async function readOperationalCounts(db: Executor, now: Date): Promise<OperationalCounts> {
  const t = iso(now);
  const requests = await sqlRows<{ state: string; provider: string; tier: string; n: unknown }>(
    db,
    sql`select state, provider, approver_tier as tier, count(*) as n from requests group by 1, 2, 3`,
  );
  const [due] = await sqlRows<Record<string, unknown>>(
    db,
    sql`select
      count(*) filter (where state = 'ACTIVE' and end_reason is null and expires_at <= ${t}::timestamptz) as expire,
      count(*) filter (where state = 'ACTIVE' and end_reason is not null and next_attempt_at <= ${t}::timestamptz) as revoke_retry,
      count(*) filter (where state = 'APPROVED' and next_attempt_at <= ${t}::timestamptz) as grant_retry,
      count(*) filter (where state = 'PENDING' and pending_expires_at <= ${t}::timestamptz) as pending_expire,
      count(*) filter (where state = 'ACTIVE' and end_reason is not null and last_error is not null) as revoke_failing,
      coalesce(extract(epoch from (${t}::timestamptz - min(expires_at) filter (where state = 'ACTIVE' and expires_at <= ${t}::timestamptz))), 0) as lag
    from requests where state in ('ACTIVE', 'APPROVED', 'PENDING')`,
  );
  const outbox = await sqlRows<{ sink: string; state: 'pending' | 'dead'; n: unknown; oldest: unknown }>(
    db,
    sql`select sink, state, count(*) as n,
      coalesce(extract(epoch from (${t}::timestamptz - min(created_at))), 0) as oldest
    from outbox_deliveries where state in ('pending', 'dead') group by sink, state`,
  );
  const [undispatched] = await sqlRows<{ n: unknown }>(
    db,
    sql`select count(*) as n from outbox_events where dispatched = false`,
  );
  const [head] = await sqlRows<{ id: unknown; age: unknown }>(
    db,
    sql`select id, extract(epoch from (${t}::timestamptz - ts)) as age from audit_events order by id desc limit 1`,
  );
  const [cp] = await sqlRows<{ seq: unknown; age: unknown }>(
    db,
    sql`select coalesce(seq, id) as seq, extract(epoch from (${t}::timestamptz - signed_at)) as age
    from audit_checkpoints order by id desc limit 1`,
  );
  return {
    requests: requests.map((r) => ({ state: r.state, provider: r.provider, tier: r.tier, n: num(r.n) })),
    due: {
      expire: num(due?.expire),
      revokeRetry: num(due?.revoke_retry),
      grantRetry: num(due?.grant_retry),
      pendingExpire: num(due?.pending_expire),
    },
    expiryLagSeconds: Math.max(0, num(due?.lag)),
    revokeFailing: num(due?.revoke_failing),
    outbox: outbox.map((o) => ({ sink: o.sink, state: o.state, n: num(o.n), oldestSeconds: num(o.oldest) })),
    outboxUndispatched: num(undispatched?.n),
    audit: head ? { headId: num(head.id), headAgeSeconds: Math.max(0, num(head.age)) } : undefined,
    checkpoint: cp ? { seq: num(cp.seq), ageSeconds: Math.max(0, num(cp.age)) } : undefined,
  };
}

/** postgres.js connections of the pool named `applicationName`, by pg_stat_activity state. */
export async function readPoolConnections(
  db: Executor,
  applicationName: string,
): Promise<{ state: string; n: number }[]> {
  const rows = await sqlRows<{ state: string | null; n: unknown }>(
    db,
    sql`select coalesce(state, 'unknown') as state, count(*) as n from pg_stat_activity
    where application_name = ${applicationName} and pid <> pg_backend_pid() group by 1`,
  );
  return rows.map((r) => ({ state: r.state ?? 'unknown', n: num(r.n) }));
}
