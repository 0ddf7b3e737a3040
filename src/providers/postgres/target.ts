/**
 * Checks of the target itself (the database and what the role reaches), shared by inspect at
 * creation and both grant modes, which repeat them under their lock right before granting.
 */
import type { Sql, TransactionSql } from 'postgres';
import type { GrantRequest } from '../../core/providers/types.js';
import { ProviderError } from '../../core/providers/types.js';
import type { PostgresSection } from './config.js';
import { judgeRole, type RoleReach, unapproved } from './reach.js';

type Exec = Sql | TransactionSql;

async function databaseProblem(sql: Exec, database: string): Promise<string | undefined> {
  const [db] = await sql`select datallowconn from pg_database where datname = ${database}`;
  return db?.datallowconn ? undefined : `database ${database} does not exist or accepts no connections`;
}

/**
 * At creation: what the grant would give, or why it must not be made (the caller turns that into
 * AppError VALIDATION outside the retry wrapper, which would otherwise make it a provider error).
 */
export async function inspectTarget(
  cfg: PostgresSection,
  sql: Sql,
  database: string,
  role: string,
): Promise<
  | { ok: true; target: RoleReach & { database: string } }
  | { ok: false; message: string; details?: Record<string, unknown> }
> {
  const dbProblem = await databaseProblem(sql, database);
  if (dbProblem) return { ok: false, message: dbProblem };
  const v = await judgeRole(sql, role, cfg.allowed_roles);
  if (!v.ok) return { ok: false, message: v.message, ...(v.missing ? {} : { details: v.details }) };
  return { ok: true, target: { database, ...v.reach } };
}

/**
 * Inside a grant: refuses (permanent ProviderError) a missing database, a role that reaches what
 * jitsudo never grants, and a role that now reaches more than the approver was shown.
 */
export async function checkTarget(
  cfg: PostgresSection,
  sql: Exec,
  req: GrantRequest,
  database: string,
  role: string,
): Promise<void> {
  const dbProblem = await databaseProblem(sql, database);
  if (dbProblem) throw new ProviderError('postgres', dbProblem, false);
  const v = await judgeRole(sql, role, cfg.allowed_roles);
  if (!v.ok) throw new ProviderError('postgres', v.message, false);
  const extra = unapproved(v.reach, req.target);
  if (extra.length)
    throw new ProviderError(
      'postgres',
      `role ${role} now also reaches ${extra.join(', ')}, which the approver was not shown; request it again`,
      false,
    );
}
