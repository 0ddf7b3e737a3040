/**
 * The tidy-up after a temporary login's access is cut: objects it created go to the requested role,
 * then the role is dropped. Failures here never mean access remains, so they are reported as what
 * is left (core retries later, docs/adr/0033-access-cut-and-cleanup.md), never thrown.
 */
import type { Sql } from 'postgres';
import type { Connections } from './connections.js';

/**
 * REASSIGN OWNED and DROP OWNED require the privileges of both roles. A non-superuser jitsudod
 * (CREATEROLE on PostgreSQL 15, ADMIN OPTION on 16+) lacks them, so it takes the memberships it is
 * missing for this one transaction and gives them back before commit: nobody else ever sees them.
 */
async function handOver(sql: Sql, name: string, role: string): Promise<void> {
  await sql.begin(async (tx) => {
    const missing = await tx<{ rolname: string }[]>`
      select r.rolname::text as rolname from pg_roles r
       where r.rolname in (${name}, ${role}) and not pg_has_role(current_user, r.oid, 'USAGE')`;
    for (const m of missing) await tx.unsafe(`grant ${m.rolname} to current_user`);
    await tx.unsafe(`reassign owned by ${name} to ${role}`);
    await tx.unsafe(`drop owned by ${name}`);
    for (const m of missing) await tx.unsafe(`revoke ${m.rolname} from current_user`);
  });
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/**
 * Hands every object of `name` (in the scope database and wherever else pg_shdepend says it owns or
 * holds something) to `role` and drops `name`. Returns what is left when that failed.
 */
export async function dropTemporaryRole(
  c: Connections,
  name: string,
  database: string,
  role: string,
): Promise<string | undefined> {
  try {
    const [r] = await c.admin`select oid from pg_roles where rolname = ${name}`;
    if (!r) return undefined;
    const elsewhere = await c.admin<{ datname: string }[]>`
      select distinct d.datname::text as datname from pg_shdepend s join pg_database d on d.oid = s.dbid
       where s.refclassid = 'pg_authid'::regclass and s.refobjid = ${r.oid} and d.datname <> ${database}`;
    for (const db of [database, ...elsewhere.map((d) => d.datname).sort()])
      await handOver(c.on(db), name, role);
    await c.admin.unsafe(`drop role if exists ${name}`);
    return undefined;
  } catch (e) {
    return `role ${name} (no login, no memberships, no sessions) is not dropped yet: ${firstLine(e)}`;
  }
}
