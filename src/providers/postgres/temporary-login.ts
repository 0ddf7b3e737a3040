/**
 * Mode temporary_login: a login role per request (`jitsudo_<request id>`), member of the requested
 * role, with a random password sent as a SCRAM verifier and VALID UNTIL the expiry. Revoke first
 * stops new logins and drops the membership, then terminates live sessions, then drops the role.
 */
import type { GrantRequest } from '../../core/providers/types.js';
import type { PostgresSection } from './config.js';
import type { Connections } from './connections.js';
import { literal, tempRoleFor } from './names.js';
import { newPassword, scramVerifier } from './scram.js';
import { sessionCount, terminateSessions } from './sessions.js';
import { checkTarget } from './target.js';
import { dropTemporaryRole } from './temporary-role-drop.js';

type Sleep = (ms: number) => Promise<void>;

export async function grantTemporaryLogin(
  cfg: PostgresSection,
  c: Connections,
  req: GrantRequest,
  database: string,
  role: string,
  expiresAt: Date,
) {
  const name = tempRoleFor(cfg, req.requestId);
  const password = newPassword();
  const verifier = literal(scramVerifier(password));
  const until = await c.admin.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`jitsudo:${name}`}))`;
    await checkTarget(cfg, tx, req, database, role);
    const [existing] = await tx<
      { rolvaliduntil: Date | null }[]
    >`select rolvaliduntil from pg_roles where rolname = ${name}`;
    if (existing) {
      // A retried grant: same role and expiry, a fresh password (the old one was never stored).
      await tx.unsafe(`alter role ${name} password ${verifier}`);
      return existing.rolvaliduntil ?? expiresAt;
    }
    await tx.unsafe(
      `create role ${name} with login inherit nosuperuser nocreatedb nocreaterole noreplication nobypassrls connection limit ${cfg.connection_limit} password ${verifier} valid until ${literal(expiresAt.toISOString())} in role ${role}`,
    );
    await tx.unsafe(
      `comment on role ${name} is ${literal(`jitsudo ${req.requestId} for ${req.principal.identity}`)}`,
    );
    return expiresAt;
  });
  return {
    expiresAt: until,
    credentials: {
      PGHOST: c.host,
      PGPORT: String(c.port),
      PGUSER: name,
      PGPASSWORD: password,
      PGDATABASE: database,
      ...(cfg.sslmode ? { PGSSLMODE: cfg.sslmode } : {}),
    },
  };
}

/**
 * Cuts access (no login, no membership, no sessions) and throws if that may not have happened;
 * then tidies up. Returns what is left when the tidy-up failed (access is cut all the same).
 */
export async function revokeTemporaryLogin(
  cfg: PostgresSection,
  c: Connections,
  req: GrantRequest,
  database: string,
  role: string,
  sleep: Sleep,
): Promise<string | undefined> {
  const name = tempRoleFor(cfg, req.requestId);
  const found = await c.admin.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`jitsudo:${name}`}))`;
    const [r] = await tx`select oid from pg_roles where rolname = ${name}`;
    if (!r) return false;
    await tx.unsafe(`alter role ${name} nologin valid until 'epoch'`);
    const granted = await tx<
      { rolname: string }[]
    >`select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid where m.member = ${r.oid}`;
    for (const g of granted) await tx.unsafe(`revoke "${g.rolname.replace(/"/g, '""')}" from ${name}`);
    return true;
  });
  if (!found) return undefined;
  await terminateSessions(c.admin, name, cfg.terminate_wait_ms, sleep);
  return dropTemporaryRole(c, name, database, role);
}

/** In force while the role can log in (and is within VALID UNTIL) or still has a session. */
export async function temporaryLoginActive(
  cfg: PostgresSection,
  c: Connections,
  req: GrantRequest,
): Promise<boolean> {
  const name = tempRoleFor(cfg, req.requestId);
  const [r] =
    await c.admin`select rolcanlogin and (rolvaliduntil is null or rolvaliduntil > now()) as live from pg_roles where rolname = ${name}`;
  if (!r) return false;
  return r.live || (await sessionCount(c.admin, name)) > 0;
}
