import type { Context, MiddlewareHandler } from 'hono';
import type { Actor } from '../../core/actor.js';
import { AppError } from '../../core/errors.js';
import type { Authenticator } from '../../core/identity/index.js';
import type { HonoEnv } from '../env.js';

/** Requires `Authorization: Bearer <token>` and sets `actor`; anything else is a 401. */
export function authenticate(
  authenticator: Authenticator,
  /** mTLS: a verified client certificate may stand in for a missing bearer token. */
  fromCertificate?: (c: Context<HonoEnv>) => Actor | undefined,
): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const certActor = !header && fromCertificate ? fromCertificate(c) : undefined;
    if (certActor) {
      c.set('actor', certActor);
      return next();
    }
    if (!header) throw new AppError('UNAUTHENTICATED', 'missing bearer token; run `jitsudo login`');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new AppError('UNAUTHENTICATED', 'authorization header must use the Bearer scheme');
    c.set('actor', await authenticator.authenticate(m[1]!));
    await next();
  };
}
