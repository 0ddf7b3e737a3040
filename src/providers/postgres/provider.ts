/**
 * PostgreSQL: database roles for a limited time, in one of two modes (see temporary-login.ts and
 * grant-role.ts). PostgreSQL itself refuses password logins after VALID UNTIL; live sessions and
 * memberships end when the sweeper revokes, which terminates the sessions it cut off.
 */
import type {
  GrantRef,
  GrantRequest,
  GrantResult,
  Provider,
  RevokeOutcome,
} from '../../core/providers/types.js';
import { clock, type ProviderDeps } from '../shared/deps.js';
import { withRetry } from '../shared/retry.js';
import { toRetryPolicy } from '../shared/section.js';
import { cappedDuration, invalid, validateCommon } from '../shared/validate.js';
import type { PostgresSection } from './config.js';
import type { Connections } from './connections.js';
import { toPgError } from './errors.js';
import { extendRoleGrant, extendTemporaryLogin } from './extend.js';
import { grantRole, revokeRole, roleGrantActive } from './grant-role.js';
import { checkRequest, loginRoleFor } from './names.js';
import { inspectTarget } from './target.js';
import { grantTemporaryLogin, revokeTemporaryLogin, temporaryLoginActive } from './temporary-login.js';

export interface PostgresProvider extends Provider {
  /** Closes the connection pools (tests, shutdown). */
  close(): Promise<void>;
}

export function createPostgresProvider(
  cfg: PostgresSection,
  c: Connections,
  deps: ProviderDeps,
): PostgresProvider {
  const now = clock(deps);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const call = <T>(what: string, op: () => Promise<T>) =>
    withRetry(op, toRetryPolicy(cfg.retry), (e) => toPgError(e, what), deps);
  const check = (req: GrantRequest) => {
    validateCommon('postgres', req);
    const t = checkRequest(cfg, req);
    return { ...t, member: cfg.mode === 'grant_role' ? loginRoleFor(cfg, req) : undefined };
  };

  return {
    name: 'postgres',
    validate(req) {
      check(req);
    },

    async inspect(req) {
      const { database, role } = check(req);
      const seen = await call('read what the role reaches', () =>
        inspectTarget(cfg, c.admin, database, role),
      );
      if (!seen.ok) invalid('postgres', seen.message, seen.details);
      return { ...seen.target };
    },

    async grant(req): Promise<GrantResult> {
      const { database, role, member } = check(req);
      // VALID UNTIL has microsecond precision; whole seconds keep the stored and reported expiry equal.
      const wanted = new Date(
        Math.floor(now().getTime() / 1000 + cappedDuration(req, cfg.max_duration_seconds)) * 1000,
      );
      if (member) {
        const expiresAt = await call(`grant ${role} to ${member}`, () =>
          grantRole(cfg, c, req, database, role, member, wanted),
        );
        return {
          expiresAt,
          credentials: {
            PGHOST: c.host,
            PGPORT: String(c.port),
            PGUSER: member,
            PGDATABASE: database,
            ...(cfg.sslmode ? { PGSSLMODE: cfg.sslmode } : {}),
          },
          handle: { mode: 'grant_role' },
          notice: `Role ${role} is granted to your own login role ${member}; sign in with your usual password. Your sessions are terminated when the grant ends.`,
        };
      }
      const out = await call(`create a temporary login for ${role}`, () =>
        grantTemporaryLogin(cfg, c, req, database, role, wanted),
      );
      return {
        ...out,
        handle: { mode: 'temporary_login' },
        notice: `A temporary login role with the privileges of ${role}; PostgreSQL refuses it after ${out.expiresAt.toISOString()} and jitsudo ends its sessions then.`,
      };
    },

    async revoke(ref: GrantRef): Promise<RevokeOutcome | undefined> {
      const { database, role, member } = check(ref.request);
      if (member) {
        await call(`revoke ${role} from ${member}`, () =>
          revokeRole(cfg, c, ref.request, role, member, sleep),
        );
        return undefined;
      }
      const left = await call(`revoke the temporary login for ${role}`, () =>
        revokeTemporaryLogin(cfg, c, ref.request, database, role, sleep),
      );
      return left ? { cleanupPending: left } : undefined;
    },

    async extend(ref: GrantRef, expiresAt: Date) {
      const { member } = check(ref.request);
      // Whole seconds, as at grant, so the stored and the enforced expiry stay equal.
      const until = new Date(Math.floor(expiresAt.getTime() / 1000) * 1000);
      await call('move the expiry of the grant', () =>
        member ? extendRoleGrant(c, ref.request, until) : extendTemporaryLogin(cfg, c, ref.request, until),
      );
      return { expiresAt: until };
    },

    async isActive(ref: GrantRef) {
      const { role, member } = check(ref.request);
      return call('read role state', () =>
        member ? roleGrantActive(c, ref.request, role, member) : temporaryLoginActive(cfg, c, ref.request),
      );
    },

    async cleanup(ref: GrantRef) {
      // A role left by a revoke from before core tracked pending cleanup; revoking again drops it.
      if (cfg.mode === 'temporary_login' && now() >= ref.expiresAt) await this.revoke(ref);
    },

    close: () => c.close(),
  };
}
