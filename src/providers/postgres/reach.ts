/**
 * What a role really gives: a member may SET ROLE to every role it is a member of, directly or
 * through others, whatever INHERIT says. So a role is judged by the whole membership graph above it
 * (docs/adr/0032-postgres-role-reach.md), at creation (inspect) and again inside the grant.
 */
import type { Sql, TransactionSql } from 'postgres';

/** Predefined roles no grant may reach, whatever allowed_roles says (ADR 0032 says why each). */
export const NEVER_GRANTED: readonly string[] = [
  'pg_execute_server_program',
  'pg_read_server_files',
  'pg_write_server_files',
  'pg_write_all_data',
  'pg_read_all_data',
  'pg_signal_backend',
  'pg_create_subscription',
];

const ATTRIBUTES = {
  rolsuper: 'SUPERUSER',
  rolcreaterole: 'CREATEROLE',
  rolcreatedb: 'CREATEDB',
  rolreplication: 'REPLICATION',
  rolbypassrls: 'BYPASSRLS',
} as const;

type AttrColumn = keyof typeof ATTRIBUTES;
type ReachRow = { rolname: string; path: string[] } & Record<AttrColumn, boolean>;

/** What the provider reports about a role (stored on the request, shown to approvers). */
export interface RoleReach {
  role: string;
  /** Every other role the role reaches through memberships, sorted. */
  reaches: string[];
  /** The shortest membership path to each reached role ("app > ops > pg_monitor"). */
  via: Record<string, string>;
}

/** Reads the role and every role above it, nearest first; empty when the role does not exist. */
async function readReach(sql: Sql | TransactionSql, role: string): Promise<ReachRow[]> {
  return sql<ReachRow[]>`
    with recursive reach(oid, path) as (
      select r.oid, array[r.oid] from pg_roles r where r.rolname = ${role}
      union all
      select m.roleid, reach.path || m.roleid
        from pg_auth_members m join reach on m.member = reach.oid
       where m.roleid <> all(reach.path)
    )
    select g.rolname::text as rolname, g.rolsuper, g.rolcreaterole, g.rolcreatedb, g.rolreplication,
           g.rolbypassrls,
           array(select p.rolname::text from unnest(reach.path) with ordinality as u(oid, n)
                   join pg_roles p on p.oid = u.oid order by u.n) as path
      from reach join pg_roles g on g.oid = reach.oid
     order by array_length(reach.path, 1), g.rolname`;
}

export type ReachVerdict =
  | { ok: true; reach: RoleReach }
  | { ok: false; missing: true; message: string }
  | { ok: false; missing?: false; message: string; details: Record<string, unknown> };

/** Reads what `role` reaches and judges it against the fixed list and `allowed` (allowed_roles). */
export async function judgeRole(
  sql: Sql | TransactionSql,
  role: string,
  allowed: readonly string[],
): Promise<ReachVerdict> {
  const rows = await readReach(sql, role);
  if (rows.length === 0) return { ok: false, missing: true, message: `role ${role} does not exist` };
  // Listing a predefined role allows what it contains (pg_monitor → pg_read_all_stats …): a reached
  // pg_* role passes when some path to it runs through a listed one.
  const listed = new Set(
    rows.filter((r) => r.path.some((p) => p.startsWith('pg_') && allowed.includes(p))).map((r) => r.rolname),
  );
  const via: Record<string, string> = {};
  for (const r of rows) {
    via[r.rolname] ??= r.path.join(' > ');
    const path = via[r.rolname]!;
    // "role app has …" for the role itself, "role app reaches ops (app > ops), which has …" above it.
    const subject =
      r.rolname === role ? `role ${role}` : `role ${role} reaches ${r.rolname} (${path}), which`;
    const attrs = (Object.keys(ATTRIBUTES) as AttrColumn[]).filter((k) => r[k]).map((k) => ATTRIBUTES[k]);
    if (attrs.length)
      return refuse(`${subject} has ${attrs.join(', ')}; jitsudo grants only plain roles`, role, r, path, {
        attributes: attrs,
      });
    if (!r.rolname.startsWith('pg_')) continue;
    if (NEVER_GRANTED.includes(r.rolname))
      return refuse(`${subject} is a predefined role jitsudo never grants`, role, r, path);
    if (!listed.has(r.rolname))
      return refuse(
        `${subject} is a predefined role not listed in providers.postgres.allowed_roles`,
        role,
        r,
        path,
      );
  }
  delete via[role];
  return { ok: true, reach: { role, reaches: Object.keys(via).sort(), via } };
}

function refuse(
  message: string,
  role: string,
  reached: ReachRow,
  path: string,
  extra: Record<string, unknown> = {},
): ReachVerdict {
  return { ok: false, message, details: { role, reaches: reached.rolname, via: path, ...extra } };
}

/**
 * Roles the grant would give now but the approver was not shown (`approved` is what inspect
 * reported at creation); empty when there was no such report (older requests, no inspect).
 */
export function unapproved(now: RoleReach, approved: Record<string, unknown> | undefined): string[] {
  const seen = approved?.reaches;
  if (!Array.isArray(seen)) return [];
  return now.reaches.filter((r) => !seen.includes(r));
}
