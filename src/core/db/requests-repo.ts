/**
 * SQL for `requests`. Every state change goes through `lockRequest`/`lockRequests` (SELECT … FOR
 * UPDATE) and `updateRequest`; background work is claimed with `claimRequests` (FOR UPDATE SKIP
 * LOCKED plus a lease in `next_attempt_at`), so several processes never act on the same row at once
 * and a claim left by a dead process becomes due again when its lease runs out.
 */
import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  ne,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import { AppError } from '../errors.js';
import type { Executor, Transaction } from './client.js';
import { FastTable, rawRows } from './raw.js';
import { requests } from './schema/index.js';

export type RequestRow = typeof requests.$inferSelect;
export type NewRequestRow = typeof requests.$inferInsert;
export type RequestPatch = Partial<Omit<NewRequestRow, 'id' | 'createdAt' | 'version'>>;
type State = RequestRow['state'];

/** Hot-path statements (create, grant, expire) bypass the query builder: db/raw.ts. */
const fast = new FastTable(requests);

/** Inserts a new request row and returns it. */
export function insertRequest(tx: Executor, row: NewRequestRow): Promise<RequestRow> {
  return fast.insert(tx, row);
}

/** Reads one request without locking. */
export async function findRequest(exec: Executor, id: string): Promise<RequestRow | undefined> {
  const [r] = await exec.select().from(requests).where(eq(requests.id, id)).limit(1);
  return r;
}

/** Reads and row-locks one request until the transaction ends. */
export async function lockRequest(tx: Transaction, id: string): Promise<RequestRow | undefined> {
  const [r] = await tx.select().from(requests).where(eq(requests.id, id)).for('update');
  return r;
}

/** Row-locks several requests, in id order so concurrent batches cannot deadlock. */
export async function lockRequests(tx: Transaction, ids: readonly string[]): Promise<RequestRow[]> {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(requests)
    .where(inArray(requests.id, [...ids]))
    .orderBy(asc(requests.id))
    .for('update');
}

/** Applies `patch` to a locked row, bumping `version` and `updated_at`; returns the new row. */
export async function updateRequest(
  tx: Transaction,
  id: string,
  patch: RequestPatch,
  now: Date,
): Promise<RequestRow> {
  const r = await fast.update(tx, { ...patch, updatedAt: now }, { id }, 'version');
  if (!r) throw new AppError('INTERNAL', `request ${id} vanished while locked`);
  return r;
}

export interface RequestListFilter {
  requester?: string;
  states?: readonly State[];
  tiers?: readonly RequestRow['approverTier'][];
  /** Leave out requests by this identity or by an agent it controls (owns or created). */
  notRequestedBy?: string;
  /** Cursor: rows strictly older than this (created_at, id) pair. */
  before?: { createdAt: Date; id: string };
  limit: number;
}

/** Requests matching the filter, newest first (created_at, id). */
export async function listRequestRows(exec: Executor, f: RequestListFilter): Promise<RequestRow[]> {
  const conds: (SQL | undefined)[] = [
    f.requester !== undefined ? eq(requests.requesterIdentity, f.requester) : undefined,
    f.states?.length ? inArray(requests.state, [...f.states]) : undefined,
    f.tiers?.length ? inArray(requests.approverTier, [...f.tiers]) : undefined,
    f.notRequestedBy !== undefined
      ? and(
          ne(requests.requesterIdentity, f.notRequestedBy),
          or(isNull(requests.agentOwner), ne(requests.agentOwner, f.notRequestedBy)),
          or(isNull(requests.agentCreatedBy), ne(requests.agentCreatedBy, f.notRequestedBy)),
        )
      : undefined,
    f.before
      ? or(
          lt(requests.createdAt, f.before.createdAt),
          and(eq(requests.createdAt, f.before.createdAt), lt(requests.id, f.before.id)),
        )
      : undefined,
  ];
  return exec
    .select()
    .from(requests)
    .where(and(...conds.filter((c): c is SQL => c !== undefined)))
    .orderBy(desc(requests.createdAt), desc(requests.id))
    .limit(f.limit);
}

/** How many requests `requester` has in `states` (and created since `since`, when given). */
export async function countRequests(
  exec: Executor,
  requester: string,
  opts: { states?: readonly State[]; since?: Date },
): Promise<number> {
  const [r] = await exec
    .select({ n: count() })
    .from(requests)
    .where(
      and(
        eq(requests.requesterIdentity, requester),
        opts.states?.length ? inArray(requests.state, [...opts.states]) : undefined,
        opts.since ? gte(requests.createdAt, opts.since) : undefined,
      ),
    );
  return Number(r?.n ?? 0);
}

/**
 * Background work kinds. Provider-calling kinds are claimed with a lease; the others are locked and
 * finished inside one transaction (`lockDue`).
 */
export type ClaimKind = 'expire' | 'revoke_retry' | 'grant_retry' | 'after_end' | 'reconcile';
export type DueKind = 'pending_expire' | 'escalate';

function dueCondition(kind: ClaimKind | DueKind, now: Date): SQL {
  switch (kind) {
    case 'expire':
      return and(eq(requests.state, 'ACTIVE'), isNull(requests.endReason), lte(requests.expiresAt, now))!;
    case 'revoke_retry':
      return and(
        eq(requests.state, 'ACTIVE'),
        isNotNull(requests.endReason),
        lte(requests.nextAttemptAt, now),
      )!;
    case 'grant_retry':
      return and(eq(requests.state, 'APPROVED'), lte(requests.nextAttemptAt, now))!;
    case 'after_end':
      return and(
        inArray(requests.state, ['EXPIRED', 'REVOKED', 'FAILED']),
        lte(requests.nextAttemptAt, now),
      )!;
    case 'reconcile':
      return and(
        eq(requests.state, 'ACTIVE'),
        isNull(requests.endReason),
        lte(requests.nextAttemptAt, now),
        gt(requests.expiresAt, now),
      )!;
    case 'pending_expire':
      return and(eq(requests.state, 'PENDING'), lte(requests.pendingExpiresAt, now))!;
    case 'escalate':
      return and(
        eq(requests.state, 'PENDING'),
        eq(requests.approverTier, 'ai_review'),
        lte(requests.escalateAt, now),
      )!;
  }
}

function dueOrder(kind: ClaimKind | DueKind) {
  switch (kind) {
    case 'expire':
      return asc(requests.expiresAt);
    case 'pending_expire':
      return asc(requests.pendingExpiresAt);
    case 'escalate':
      return asc(requests.escalateAt);
    default:
      return asc(requests.nextAttemptAt);
  }
}

/**
 * Claims up to `limit` due rows of `kind` in one statement: skips rows another process holds, sets
 * the lease (`next_attempt_at = leaseUntil`), counts the attempt, and for `expire` records the intent
 * (`end_reason = 'expired'`). Returns the claimed rows as updated (their `version` is the claim).
 */
export async function claimRequests(
  exec: Executor,
  kind: ClaimKind,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<RequestRow[]> {
  const due = exec
    .select({ id: requests.id })
    .from(requests)
    .where(dueCondition(kind, now))
    .orderBy(dueOrder(kind))
    .limit(limit)
    .for('update', { skipLocked: true });
  const patch: Record<string, unknown> = {
    nextAttemptAt: leaseUntil,
    updatedAt: now,
    version: sql`${requests.version} + 1`,
  };
  if (kind === 'expire') patch.endReason = 'expired';
  if (kind === 'expire' || kind === 'revoke_retry')
    patch.revokeAttempts = sql`${requests.revokeAttempts} + 1`;
  if (kind === 'grant_retry') patch.grantAttempts = sql`${requests.grantAttempts} + 1`;
  return exec.update(requests).set(patch).where(inArray(requests.id, due)).returning();
}

/** Locks up to `limit` due rows of `kind` for the caller's transaction, skipping rows others hold. */
export async function lockDue(
  tx: Transaction,
  kind: DueKind,
  now: Date,
  limit: number,
): Promise<RequestRow[]> {
  return tx
    .select()
    .from(requests)
    .where(dueCondition(kind, now))
    .orderBy(dueOrder(kind))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/**
 * Takes a transaction-scoped advisory lock named by `requester`, so limit checks and inserts for one
 * requester are serialized across connections and processes; released at commit or rollback. A
 * select (not execute) so a group-commit member that only locked and then failed counts as unwritten.
 */
export async function lockRequester(tx: Transaction, requester: string): Promise<void> {
  await tx
    .select({ locked: sql`pg_advisory_xact_lock(hashtext(${`jitsudo.requester:${requester}`}))` })
    .from(sql`(select 1) as one`);
}

/** The earliest moment any background work becomes due (lets the sweeper sleep precisely). */
export async function nextDueAt(exec: Executor): Promise<Date | null> {
  const [r] = await exec
    .select({
      t: sql<Date | string | null>`least(
        (select min(${requests.expiresAt}) from ${requests} where ${requests.state} = 'ACTIVE' and ${requests.endReason} is null),
        (select min(${requests.nextAttemptAt}) from ${requests} where ${requests.state} in ('ACTIVE','APPROVED','EXPIRED','REVOKED','FAILED')),
        (select min(${requests.pendingExpiresAt}) from ${requests} where ${requests.state} = 'PENDING'))`,
    })
    .from(sql`(select 1) as one`);
  const t = r?.t;
  return t == null ? null : new Date(t);
}

/**
 * A principal's trust tier (0 when unknown). Read outside any transaction, before policy runs;
 * principals-repo owns writes to the table. An agent's tier is found by its id alone, so a tier
 * never reaches an agent through its name (ADR 0034).
 */
export async function readTrustTier(
  exec: Executor,
  who: { identity: string; agent?: { id: string } },
): Promise<number> {
  const [row] = await rawRows<{ trust_tier: number }>(
    exec,
    who.agent
      ? 'select trust_tier from principals where agent_id = $1 limit 1'
      : 'select trust_tier from principals where identity = $1 and agent_id is null limit 1',
    [who.agent ? who.agent.id : who.identity],
  );
  return row ? Number(row.trust_tier) : 0;
}

/**
 * For a requester over a limit: when their oldest request since `since` was made, and when their
 * earliest ACTIVE grant ends (either may be null). Tells an agent when a retry can succeed.
 */
export async function limitTimes(
  exec: Executor,
  requester: string,
  since: Date,
): Promise<{ oldestSince: Date | null; nextExpiry: Date | null }> {
  const [r] = await exec
    .select({
      // An ISO string and a cast: postgres-js binds no bare Date inside a raw sql fragment.
      oldest: sql<
        Date | string | null
      >`min(${requests.createdAt}) filter (where ${requests.createdAt} >= ${since.toISOString()}::timestamptz)`,
      next: sql<Date | string | null>`min(${requests.expiresAt}) filter (where ${requests.state} = 'ACTIVE')`,
    })
    .from(requests)
    .where(eq(requests.requesterIdentity, requester));
  const date = (v: Date | string | null | undefined) => (v == null ? null : new Date(v));
  return { oldestSince: date(r?.oldest), nextExpiry: date(r?.next) };
}

/**
 * Records many finished revocations in one statement (locked rows, transitions already checked):
 * each row gets its terminal state, `ended_at`, wiped credentials and its after-end check time.
 */
export async function finishRevokedRows(
  tx: Transaction,
  items: readonly { id: string; state: 'EXPIRED' | 'REVOKED'; nextAttemptAt: Date | null }[],
  now: Date,
): Promise<RequestRow[]> {
  if (items.length === 0) return [];
  const values = sql.join(
    items.map(
      (i) =>
        sql`(${i.id}::text, ${i.state}::text, ${i.nextAttemptAt ? i.nextAttemptAt.toISOString() : null}::timestamptz)`,
    ),
    sql`, `,
  );
  return tx
    .update(requests)
    .set({
      state: sql`u.state`,
      endedAt: now,
      credentialsEnc: null,
      lastError: null,
      nextAttemptAt: sql`u.next`,
      updatedAt: now,
      version: sql`${requests.version} + 1`,
    })
    .from(sql`(values ${values}) as u(id, state, next)`)
    .where(sql`${requests.id} = u.id`)
    .returning();
}

/** The earliest expires_at of an ACTIVE grant not yet being revoked (lets the sweeper wake just in time). */
export async function nextExpiryAt(exec: Executor): Promise<Date | null> {
  const [r] = await exec
    .select({ t: requests.expiresAt })
    .from(requests)
    .where(and(eq(requests.state, 'ACTIVE'), isNull(requests.endReason)))
    .orderBy(asc(requests.expiresAt))
    .limit(1);
  return r?.t ?? null;
}

/** Sets `next_attempt_at` of many locked rows in one statement (schedule-only bookkeeping, no state change). */
export async function rescheduleRows(
  tx: Transaction,
  items: readonly { id: string; nextAttemptAt: Date | null }[],
  now: Date,
): Promise<void> {
  if (items.length === 0) return;
  const values = sql.join(
    items.map(
      (i) => sql`(${i.id}::text, ${i.nextAttemptAt ? i.nextAttemptAt.toISOString() : null}::timestamptz)`,
    ),
    sql`, `,
  );
  await tx
    .update(requests)
    .set({ nextAttemptAt: sql`u.next`, updatedAt: now, version: sql`${requests.version} + 1` })
    .from(sql`(values ${values}) as u(id, next)`)
    .where(sql`${requests.id} = u.id`);
}

/**
 * Compare-and-set transition of one row: applies `patch` only if the row is in state `from` (the
 * UPDATE takes the row lock and re-checks the state under it). Returns the new row, or undefined
 * when the row was not in `from` — the caller then locks and looks (the rare, contended case).
 */
export async function transitionIfState(
  tx: Transaction,
  id: string,
  from: State,
  patch: RequestPatch,
  now: Date,
): Promise<RequestRow | undefined> {
  return fast.update(tx, { ...patch, updatedAt: now }, { id, state: from }, 'version');
}
