/**
 * SQL for `agents`: registered AI agents. The token is never stored, only its SHA-256 hash, which
 * is also how a presented token is found (a unique-index lookup, no comparison over secrets).
 */
import { and, asc, eq, gt, inArray, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { Executor, Transaction } from './client.js';
import type { RequestRow } from './requests-repo.js';
import { agents, requests } from './schema/index.js';

export type AgentRow = typeof agents.$inferSelect;
export type NewAgentRow = typeof agents.$inferInsert;

/** Inserts an agent; a duplicate name or hash surfaces as SQLSTATE 23505 on the driver error. */
export async function insertAgent(tx: Executor, row: NewAgentRow): Promise<AgentRow> {
  const [r] = await tx.insert(agents).values(row).returning();
  return r!;
}

/** The agent whose token hashes to `tokenHash`, revoked or not. */
export async function findAgentByTokenHash(exec: Executor, tokenHash: string): Promise<AgentRow | undefined> {
  const [r] = await exec.select().from(agents).where(eq(agents.tokenHash, tokenHash)).limit(1);
  return r;
}

/** One agent by id or by name. */
export async function findAgent(
  exec: Executor,
  key: { id: string } | { name: string },
): Promise<AgentRow | undefined> {
  const cond = 'id' in key ? eq(agents.id, key.id) : eq(agents.name, key.name);
  const [r] = await exec.select().from(agents).where(cond).limit(1);
  return r;
}

/** Reads and row-locks one agent until the transaction ends. */
export async function lockAgent(tx: Transaction, id: string): Promise<AgentRow | undefined> {
  const [r] = await tx.select().from(agents).where(eq(agents.id, id)).for('update');
  return r;
}

export interface AgentListFilter {
  owner?: string;
  includeRevoked?: boolean;
  /** Cursor: ids strictly after this one (ids are time-sortable). */
  after?: string;
  limit: number;
}

/** Agents matching the filter, oldest first (by id). */
export async function listAgentRows(exec: Executor, f: AgentListFilter): Promise<AgentRow[]> {
  const conds: (SQL | undefined)[] = [
    f.owner !== undefined ? eq(agents.owner, f.owner) : undefined,
    f.includeRevoked ? undefined : isNull(agents.revokedAt),
    f.after !== undefined ? gt(agents.id, f.after) : undefined,
  ];
  return exec
    .select()
    .from(agents)
    .where(and(...conds.filter((c): c is SQL => c !== undefined)))
    .orderBy(asc(agents.id))
    .limit(f.limit);
}

/** Marks an agent revoked (its token stops working at once); returns the row after. */
export async function markAgentRevoked(tx: Transaction, id: string, now: Date): Promise<AgentRow> {
  const [r] = await tx.update(agents).set({ revokedAt: now }).where(eq(agents.id, id)).returning();
  return r!;
}

/** Records use, at most once per `staleBefore` window so authentication is not a write per call. */
export async function touchAgent(exec: Executor, id: string, now: Date, staleBefore: Date): Promise<void> {
  await exec
    .update(agents)
    .set({ lastUsedAt: now })
    .where(and(eq(agents.id, id), or(isNull(agents.lastUsedAt), lt(agents.lastUsedAt, staleBefore))));
}

/**
 * Locks (FOR UPDATE, in id order like every batch) the agent's requests that still hold or may
 * still give it access: PENDING, APPROVED (grant being issued) and ACTIVE.
 */
export async function lockOpenRequestsOfAgent(
  tx: Transaction,
  agent: { id: string; identity: string },
): Promise<RequestRow[]> {
  return tx
    .select()
    .from(requests)
    .where(
      and(
        eq(requests.requesterIdentity, agent.identity),
        eq(requests.agentId, agent.id),
        inArray(requests.state, ['PENDING', 'APPROVED', 'ACTIVE']),
      ),
    )
    .orderBy(asc(requests.id))
    .for('update');
}
