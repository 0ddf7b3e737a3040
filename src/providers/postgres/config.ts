import { z } from 'zod';
import { CommonSection } from '../shared/section.js';

export const PostgresSection = z
  .object({
    /** Admin connection (a role with CREATEROLE and pg_signal_backend). Never logged. */
    url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
    /**
     * temporary_login: a login role per request, VALID UNTIL the expiry, member of the requested role.
     * grant_role: the requested role is granted to the requester's own login role.
     */
    mode: z.enum(['temporary_login', 'grant_role']).default('temporary_login'),
    /** Host and port handed to users (PGHOST/PGPORT); default: those of `url`. */
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    sslmode: z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']).optional(),
    role_prefix: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,19}$/)
      .default('jitsudo_'),
    connection_limit: z.number().int().min(-1).default(5),
    /** grant_role: requester identity → login role; unlisted identities use the e-mail local part. */
    login_roles: z.record(z.string(), z.string()).default({}),
    /** Only these roles may be requested; empty → any role without superuser-like attributes. */
    allowed_roles: z.array(z.string()).default([]),
    /** How long revoke waits for terminated sessions to disappear. */
    terminate_wait_ms: z.number().int().positive().default(5_000),
    pool_size: z.number().int().positive().max(20).default(4),
    ...CommonSection,
  })
  .strict();

export type PostgresSection = z.infer<typeof PostgresSection>;
