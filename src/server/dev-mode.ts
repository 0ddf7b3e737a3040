/** Dev identity mode's safety rules, checked before anything heavy is loaded (docs/adr/0005). */
import type { Config } from '../core/config.js';
import { AppError } from '../core/errors.js';
import { isLoopback, parseListenAddress } from './listen-address.js';

export const DEV_MODE_WARNING =
  'DEV IDENTITY MODE: anyone who can reach this server can mint a token for any identity, admins included. ' +
  'Loopback only; never use it for a shared or production server (set auth.mode: oidc).';

/** Throws AppError VALIDATION when dev identity mode would listen on a non-loopback address. */
export function assertSafeListenAddress(config: Readonly<Config>): void {
  const addr = parseListenAddress(config.http.addr);
  if (config.auth.mode === 'dev' && !isLoopback(addr.host))
    throw new AppError(
      'VALIDATION',
      `invalid config key http.addr: dev identity mode listens on loopback only (127.0.0.1, ::1, localhost), not "${config.http.addr}"`,
    );
}
