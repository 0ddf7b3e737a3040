/**
 * Mode grant_role: GRANT <role> TO <requester's login role> for the duration. A small ledger in the
 * admin database (schema jitsudo_provider) remembers which request holds which membership, so two
 * overlapping requests share one membership and a membership the user already had is never taken.
 */
import type { Sql, TransactionSql } from 'postgres';
import type { GrantRequest } from '../../core/providers/types.js';
import { ProviderError } from '../../core/providers/types.js';
import type { PostgresSection } from './config.js';
import type { Connections } from './connections.js';
import { terminateSessions } from './sessions.js';
import { checkTarget } from './target.js';

type Sleep = (ms: number) => Promise<void>;

let ledgerReady: WeakMap<Sql, Promise<void>> = new WeakMap();

/** Creates the ledger once per pool (serialized: concurrent CREATE IF NOT EXISTS can collide). */
function ensureLedger(sql: Sql): Promise<void> {
  let p = ledgerReady.get(sql);
  if (!p) {
    p = sql
      .begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtext('jitsudo:ledger'))`;
        await tx`create schema if not exists jitsudo_provider`;
        await tx`create table if not exists jitsudo_provider.role_grants (
          request_id text primary key,
          member text not null,
          granted_role text not null,
          preexisting boolean not null,
          expires_at timestamptz not null,
          created_at timestamptz not null default now())`;
      })
      .then(() => undefined);
    p.catch(() => ledgerReady.delete(sql));
    ledgerReady.set(sql, p);
  }
  return p;
}

/** Test hook: forget which pools have the ledger (after a test drops it). */
export function resetLedgerCache(): void {
  ledgerReady = new WeakMap();
}

const lockPair = (tx: TransactionSql, member: string, role: string) =>
  tx`select pg_advisory_xact_lock(hashtext(${`jitsudo:grant:${member}:${role}`}))`;

const isMember = async (tx: TransactionSql, member: string, role: string) =>
  (
    await tx`select 1 from pg_auth_members m join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member
            where r.rolname = ${role} and u.rolname = ${member}`
  ).length > 0;

export async function grantRole(
  cfg: PostgresSection,
  c: Connections,
  req: GrantRequest,
  database: string,
  role: string,
  member: string,
  expiresAt: Date,
): Promise<Date> {
  await ensureLedger(c.admin);
  return c.admin.begin(async (tx) => {
    await lockPair(tx, member, role);
    await checkTarget(cfg, tx, req, database, role);
    const [login] = await tx`select rolcanlogin from pg_roles where rolname = ${member}`;
    if (!login?.rolcanlogin)
      throw new ProviderError('postgres', `requester has no login role ${member} on this server`, false);
    const [mine] = await tx<
      { expires_at: Date }[]
    >`select expires_at from jitsudo_provider.role_grants where request_id = ${req.requestId}`;
    if (mine) return mine.expires_at;
    const [other] = await tx<
      { preexisting: boolean }[]
    >`select preexisting from jitsudo_provider.role_grants where member = ${member} and granted_role = ${role} limit 1`;
    const member_ = await isMember(tx, member, role);
    // Standing access is whatever existed before the first of the overlapping jitsudo grants.
    const preexisting = other ? other.preexisting : member_;
    if (!member_) await tx.unsafe(`grant ${role} to ${member}`);
    await tx`insert into jitsudo_provider.role_grants (request_id, member, granted_role, preexisting, expires_at)
             values (${req.requestId}, ${member}, ${role}, ${preexisting}, ${expiresAt})`;
    return expiresAt;
  });
}

/**
 * Ends this request's share. The last share of a membership jitsudo added revokes it and
 * terminates the login role's sessions (SET ROLE outlives REVOKE); the ledger row goes last, so a
 * failed termination is retried by the next revoke.
 */
export async function revokeRole(
  cfg: PostgresSection,
  c: Connections,
  req: GrantRequest,
  role: string,
  member: string,
  sleep: Sleep,
): Promise<void> {
  await ensureLedger(c.admin);
  const revoked = await c.admin.begin(async (tx) => {
    await lockPair(tx, member, role);
    const [mine] = await tx<
      { preexisting: boolean }[]
    >`select preexisting from jitsudo_provider.role_grants where request_id = ${req.requestId}`;
    if (!mine) return undefined;
    const [other] =
      await tx`select 1 from jitsudo_provider.role_grants where member = ${member} and granted_role = ${role} and request_id <> ${req.requestId} limit 1`;
    if (other || mine.preexisting) return false;
    if (await isMember(tx, member, role)) await tx.unsafe(`revoke ${role} from ${member}`);
    return true;
  });
  if (revoked === undefined) return;
  if (revoked) await terminateSessions(c.admin, member, cfg.terminate_wait_ms, sleep);
  await c.admin`delete from jitsudo_provider.role_grants where request_id = ${req.requestId}`;
}

/** In force while this request's ledger row exists and the membership is really there. */
export async function roleGrantActive(
  c: Connections,
  req: GrantRequest,
  role: string,
  member: string,
): Promise<boolean> {
  await ensureLedger(c.admin);
  return c.admin.begin(async (tx) => {
    const [mine] = await tx`select 1 from jitsudo_provider.role_grants where request_id = ${req.requestId}`;
    return !!mine && (await isMember(tx, member, role));
  });
}
