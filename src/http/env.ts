import type { Logger } from 'pino';
import type { Actor } from '../core/actor.js';

/** Per-request values set by middleware; handlers read `actor` only after `requireActor`. */
export interface HonoEnv {
  Variables: {
    requestId: string;
    log: Logger;
    actor: Actor;
    /** Absolute URL of the protected-resource metadata (OIDC mode), named in every 401 and 403 challenge. */
    resourceMetadata: string | undefined;
  };
}
