/**
 * Resolves where to talk and as whom: --server, then $JITSUDO_SERVER, then the server saved at
 * login, then http://127.0.0.1:8080; the token from $JITSUDO_TOKEN or the credentials file.
 */

import { readFileSync } from 'node:fs';
import { type Client, createClient } from '../client/client.js';
import type { ClientTls } from '../client/tls-fetch.js';
import { loadCredentials } from './credentials.js';
import { DEFAULT_SERVER, envServer, envTlsFiles, envToken } from './env.js';
import { CliError } from './errors.js';
import { EXIT } from './exit-codes.js';

export function resolveServer(flag: string | undefined): string {
  const server = flag ?? envServer() ?? loadCredentials()?.server_url ?? DEFAULT_SERVER;
  return normalizeServer(server);
}

/** Accepts `host:port` or a URL; only http(s). */
export function normalizeServer(s: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `http://${s}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CliError(`invalid --server "${s}": not a URL`, EXIT.USAGE);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`invalid --server "${s}": use http:// or https://`, EXIT.USAGE);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** The TLS files named in the environment, read; a missing file is a usage error naming the variable. */
export function clientTls(): ClientTls | undefined {
  const f = envTlsFiles();
  if (!f.ca && !f.cert && !f.key) return undefined;
  if (!f.cert !== !f.key)
    throw new CliError('JITSUDO_CLIENT_CERT_FILE and JITSUDO_CLIENT_KEY_FILE go together', EXIT.USAGE);
  const read = (file: string | undefined, name: string) => {
    if (!file) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new CliError(
        `cannot read ${name} ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
        EXIT.USAGE,
      );
    }
  };
  return {
    ca: read(f.ca, 'JITSUDO_CA_FILE'),
    cert: read(f.cert, 'JITSUDO_CLIENT_CERT_FILE'),
    key: read(f.key, 'JITSUDO_CLIENT_KEY_FILE'),
  };
}

/** A client without a token (login, server status). */
export const anonymousClient = (server: string | undefined): Client =>
  createClient({ server: resolveServer(server), tls: clientTls() });

/** A client carrying the stored token; fails with exit 3 when not logged in. */
export function authedClient(server: string | undefined): Client {
  const token = envToken();
  if (token) return createClient({ server: resolveServer(server), token, tls: clientTls() });
  const creds = loadCredentials();
  if (!creds)
    throw new CliError(
      'not logged in; run `jitsudo login --dev --user you@example.com`',
      EXIT.UNAUTHENTICATED,
    );
  if (Date.parse(creds.expires_at) <= Date.now())
    throw new CliError('your login has expired; run `jitsudo login` again', EXIT.UNAUTHENTICATED);
  return createClient({
    server: resolveServer(server ?? envServer() ?? creds.server_url),
    token: creds.token,
    tls: clientTls(),
  });
}
