/** SQL for principals (identity, kind, trust tier, last seen). */
import { eq, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import { principals } from './schema/index.js';

export interface PrincipalRow {
  identity: string;
  kind: 'human' | 'agent' | 'service';
  /** The agent this row belongs to (agents only): its tier is keyed to this id, not to the name. */
  agent_id: string | null;
  trust_tier: number;
  enrolled_by: string;
  enrolled_at: string;
  last_seen_at: string;
  notes: string;
}

/** A stored row as the plain object verbs return. */
export const toPrincipalView = (r: typeof principals.$inferSelect): PrincipalRow => ({
  identity: r.identity,
  kind: r.kind,
  agent_id: r.agentId ?? null,
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
  return row ? toPrincipalView(row) : null;
}

/**
 * Creates or updates the trust tier (and notes when given); returns the row after the change.
 * `agentId` is the agent's id for an agent (null for a person): the row is re-keyed to it.
 */
export async function upsertTrustTier(
  exec: Executor,
  p: {
    identity: string;
    kind: 'human' | 'agent' | 'service';
    agentId: string | null;
    tier: number;
    by: string;
    notes?: string;
    now: Date;
  },
): Promise<PrincipalRow> {
  const [row] = await exec
    .insert(principals)
    .values({
      identity: p.identity,
      kind: p.kind,
      agentId: p.agentId,
      trustTier: p.tier,
      enrolledBy: p.by,
      enrolledAt: p.now,
      lastSeenAt: p.now,
      notes: p.notes ?? '',
    })
    .onConflictDoUpdate({
      target: principals.identity,
      set: {
        kind: p.kind,
        agentId: p.agentId,
        trustTier: p.tier,
        enrolledBy: p.by,
        enrolledAt: p.now,
        ...(p.notes !== undefined ? { notes: p.notes } : {}),
      },
    })
    .returning();
  return toPrincipalView(row!);
}

/**
 * Records that `identity` was seen now; writes at most once per `minIntervalSeconds` per principal
 * (so authenticating every request does not write every time). Returns whether a row was written.
 * A row that belonged to another agent (or to a person) under this identity starts over at tier 0:
 * a tier never passes to whoever holds the name next.
 */
export async function touchPrincipalRow(
  exec: Executor,
  p: {
    identity: string;
    kind: 'human' | 'agent' | 'service';
    agentId: string | null;
    /** The groups the call carried, sorted (ADR 0057: candidates to notify, never authority). */
    groups: readonly string[];
    now: Date;
    minIntervalSeconds: number;
  },
): Promise<boolean> {
  const stale = new Date(p.now.getTime() - p.minIntervalSeconds * 1000);
  const groups = [...p.groups];
  const rows = await exec
    .insert(principals)
    .values({
      identity: p.identity,
      kind: p.kind,
      agentId: p.agentId,
      groups,
      enrolledAt: p.now,
      lastSeenAt: p.now,
    })
    .onConflictDoUpdate({
      target: principals.identity,
      set: {
        lastSeenAt: p.now,
        kind: p.kind,
        agentId: p.agentId,
        // A call that carried no groups (a Slack click: Slack cannot vouch for them) leaves the last ones.
        groups: sql`case when excluded.groups = '[]'::jsonb then ${principals.groups} else excluded.groups end`,
        trustTier: sql`case when ${principals.agentId} is distinct from excluded.agent_id then 0 else ${principals.trustTier} end`,
      },
      setWhere: sql`${principals.lastSeenAt} < ${stale.toISOString()}::timestamptz or ${principals.kind} <> ${p.kind} or ${principals.agentId} is distinct from excluded.agent_id or (excluded.groups <> '[]'::jsonb and ${principals.groups} <> excluded.groups)`,
    })
    .returning({ identity: principals.identity });
  return rows.length > 0;
}
