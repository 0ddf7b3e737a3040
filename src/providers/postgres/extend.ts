/**
 * Moving a grant's end (ADR 0045). temporary_login: the login role's VALID UNTIL, which PostgreSQL
 * itself enforces. grant_role: only the ledger's expiry (the membership has no expiry of its own;
 * the sweeper's revoke ends it). Neither brings back a grant that a revoke has started to take away.
 */
import type { GrantRequest } from '../../core/providers/types.js';
import { ProviderError } from '../../core/providers/types.js';
import type { PostgresSection } from './config.js';
import type { Connections } from './connections.js';
import { literal, tempRoleFor } from './names.js';

const gone = (what: string) =>
  new ProviderError(
    'postgres',
    `${what} is no longer in force at the server; there is nothing to extend`,
    false,
  );

/** Sets VALID UNTIL of the request's login role, under the lock grant and revoke take. */
export async function extendTemporaryLogin(
  cfg: PostgresSection,
  c: Connections,
  req: GrantRequest,
  until: Date,
): Promise<void> {
  const name = tempRoleFor(cfg, req.requestId);
  await c.admin.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`jitsudo:${name}`}))`;
    const [r] = await tx<
      { rolcanlogin: boolean }[]
    >`select rolcanlogin from pg_roles where rolname = ${name}`;
    // Revoke first sets NOLOGIN: a role on its way out is not revived.
    if (!r?.rolcanlogin) throw gone(`the temporary login ${name}`);
    await tx.unsafe(`alter role ${name} valid until ${literal(until.toISOString())}`);
  });
}

/** Moves the ledger's expiry of this request's membership. */
export async function extendRoleGrant(c: Connections, req: GrantRequest, until: Date): Promise<void> {
  const rows =
    await c.admin`update jitsudo_provider.role_grants set expires_at = ${until} where request_id = ${req.requestId} returning 1`;
  if (rows.length === 0) throw gone('the role membership of this request');
}
