/** SQL for principals (identity, kind, trust tier, last seen). */
import { eq, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import { principals } from './schema/index.js';

export interface PrincipalRow {
  identity: string;
  kind: 'human' | 'agent';
  trust_tier: number;
  enrolled_by: string;
  enrolled_at: string;
  last_seen_at: string;
  notes: string;
}

const toView = (r: typeof principals.$inferSelect): PrincipalRow => ({
  identity: r.identity,
  kind: r.kind,
  trust_tier: r.trustTier,
  enrolled_by: r.enrolledBy,
  enrolled_at: r.enrolledAt.toISOString(),
  last_seen_at: r.lastSeenAt.toISOString(),
  notes: r.notes,
});

/** The principal, or null; `forUpdate` locks the row for a change. */
export async function findPrincipal(
  exec: Executor,
  identity: string,
  forUpdate = false,
): Promise<PrincipalRow | null> {
  const q = exec.select().from(principals).where(eq(principals.identity, identity));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row ? toView(row) : null;
}

/** Creates or updates the trust tier (and notes when given); returns the row after the change. */
export async function upsertTrustTier(
  exec: Executor,
  p: { identity: string; kind: 'human' | 'agent'; tier: number; by: string; notes?: string; now: Date },
): Promise<PrincipalRow> {
  const [row] = await exec
    .insert(principals)
    .values({
      identity: p.identity,
      kind: p.kind,
      trustTier: p.tier,
      enrolledBy: p.by,
      enrolledAt: p.now,
      lastSeenAt: p.now,
      notes: p.notes ?? '',
    })
    .onConflictDoUpdate({
      target: principals.identity,
      set: {
        trustTier: p.tier,
        enrolledBy: p.by,
        enrolledAt: p.now,
        ...(p.notes !== undefined ? { notes: p.notes } : {}),
      },
    })
    .returning();
  return toView(row!);
}

/**
 * Records that `identity` was seen now; writes at most once per `minIntervalSeconds` per principal
 * (so authenticating every request does not write every time). Returns whether a row was written.
 */
export async function touchPrincipalRow(
  exec: Executor,
  p: { identity: string; kind: 'human' | 'agent'; now: Date; minIntervalSeconds: number },
): Promise<boolean> {
  const stale = new Date(p.now.getTime() - p.minIntervalSeconds * 1000);
  const rows = await exec
    .insert(principals)
    .values({ identity: p.identity, kind: p.kind, enrolledAt: p.now, lastSeenAt: p.now })
    .onConflictDoUpdate({
      target: principals.identity,
      set: { lastSeenAt: p.now, kind: p.kind },
      setWhere: sql`${principals.lastSeenAt} < ${stale.toISOString()}::timestamptz or ${principals.kind} <> ${p.kind}`,
    })
    .returning({ identity: principals.identity });
  return rows.length > 0;
}
