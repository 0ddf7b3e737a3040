import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../core/errors.js';
import type { Authenticator } from '../../core/identity/index.js';
import type { HonoEnv } from '../env.js';

/** Requires `Authorization: Bearer <token>` and sets `actor`; anything else is a 401. */
export function authenticate(authenticator: Authenticator): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) throw new AppError('UNAUTHENTICATED', 'missing bearer token; run `jitsudo login`');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new AppError('UNAUTHENTICATED', 'authorization header must use the Bearer scheme');
    c.set('actor', await authenticator.authenticate(m[1]!));
    await next();
  };
}
