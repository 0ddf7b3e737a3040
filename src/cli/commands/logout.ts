import { z } from 'zod';
import { leaf } from '../args.js';
import { clientTls } from '../context.js';
import {
  credentialsPath,
  deleteCredentials,
  loadCredentials,
  type StoredCredentials,
} from '../credentials.js';
import { CliError } from '../errors.js';
import { revokeSession } from '../oidc/session.js';
import { note, write } from '../output.js';

export const logoutCommand = leaf({
  name: 'logout',
  description: 'Revoke the session at the identity provider (OIDC logins) and forget the saved tokens',
  args: {},
  schema: z.object({ server: z.string().optional(), output: z.string().optional() }).strict(),
  async run() {
    let creds: StoredCredentials | undefined;
    try {
      creds = loadCredentials();
    } catch (e) {
      // An unsafe or unreadable file is still ours to remove.
      if (!(e instanceof CliError)) throw e;
    }
    let revokedAt: string | undefined;
    if (creds?.kind === 'oidc' && creds.refresh_token) {
      let tls: ReturnType<typeof clientTls>;
      try {
        tls = clientTls();
      } catch {
        tls = undefined;
      }
      const r = await revokeSession(creds, tls);
      if (r.revoked) revokedAt = creds.issuer;
      else if (r.problem) note(`warning: ${r.problem}; the tokens are forgotten here only`);
    }
    if (!deleteCredentials()) return void write('Not logged in.');
    write(
      revokedAt
        ? `Logged out (revoked the session at ${revokedAt}; removed ${credentialsPath()})`
        : `Logged out (removed ${credentialsPath()})`,
    );
  },
});
