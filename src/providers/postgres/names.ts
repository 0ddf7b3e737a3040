/** Identifier rules for the postgres provider: only plain lowercase names, so nothing needs quoting. */
import type { GrantRequest } from '../../core/providers/types.js';
import { invalid } from '../shared/validate.js';
import type { PostgresSection } from './config.js';
import { NEVER_GRANTED } from './reach.js';

const IDENT = /^[a-z_][a-z0-9_$]{0,62}$/;

export function checkIdent(what: string, name: string): string {
  if (!IDENT.test(name))
    invalid(
      'postgres',
      `${what} "${name}" must be a lowercase PostgreSQL identifier (a-z, 0-9, _; at most 63)`,
    );
  return name;
}

/** A string literal for utility statements (CREATE ROLE, COMMENT), which take no bind parameters. */
export const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** `jitsudo_<lower(request id)>`: deterministic, so a retried grant or a revoke finds the same role. */
export const tempRoleFor = (cfg: PostgresSection, requestId: string) =>
  `${cfg.role_prefix}${requestId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);

/** The requester's own login role (grant_role mode). */
export function loginRoleFor(cfg: PostgresSection, req: GrantRequest): string {
  const mapped = cfg.login_roles[req.principal.identity];
  const derived = req.principal.identity
    .split('@')[0]!
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  return checkIdent('login role of the requester', mapped ?? derived);
}

/** Validates database (scope) and role names, and the allow-list. */
export function checkRequest(cfg: PostgresSection, req: GrantRequest): { database: string; role: string } {
  const database = checkIdent('database', req.scope.trim());
  const role = checkIdent('role', req.role.trim());
  if (NEVER_GRANTED.includes(role))
    invalid('postgres', `predefined role ${role} is never granted (docs/adr/0032-postgres-role-reach.md)`);
  if (role.startsWith('pg_') && !cfg.allowed_roles.includes(role))
    invalid(
      'postgres',
      `predefined role ${role} can be granted only when listed in providers.postgres.allowed_roles`,
    );
  if (cfg.allowed_roles.length && !cfg.allowed_roles.includes(role))
    invalid('postgres', `role ${role} is not in providers.postgres.allowed_roles`);
  if (role.startsWith(cfg.role_prefix))
    invalid('postgres', `role ${role} looks like a jitsudo temporary role`);
  return { database, role };
}
