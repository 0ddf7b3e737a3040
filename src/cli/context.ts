/**
 * Resolves where to talk and as whom: --server, then $JITSUDO_SERVER, then the server saved at
 * login, then http://127.0.0.1:8080; the token from $JITSUDO_TOKEN or the credentials file (an OIDC
 * session is refreshed first when it is about to expire: src/cli/oidc/session.ts).
 */

import { readFileSync } from 'node:fs';
import { type Client, createClient } from '../client/client.js';
import type { ClientTls } from '../client/tls-fetch.js';
import { loadCredentials, REFRESH_BEFORE_SECONDS, secondsLeft, usable } from './credentials.js';
import { DEFAULT_SERVER, envServer, envToken, tlsFileSettings } from './env.js';
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

/**
 * The TLS files named by --ca-file/--client-cert/--client-key or, failing those, the environment,
 * read; a missing file is a usage error naming the flag or variable.
 */
export function clientTls(): ClientTls | undefined {
  const f = tlsFileSettings();
  if (!f.ca && !f.cert && !f.key) return undefined;
  if (!f.cert !== !f.key)
    throw new CliError(
      `${f.cert?.from ?? '--client-cert'} and ${f.key?.from ?? '--client-key'} go together (a certificate and its key)`,
      EXIT.USAGE,
    );
  const read = (s: { file: string; from: string } | undefined) => {
    if (!s) return undefined;
    try {
      return readFileSync(s.file, 'utf8');
    } catch (e) {
      throw new CliError(
        `cannot read ${s.from} ${s.file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
        EXIT.USAGE,
      );
    }
  };
  return { ca: read(f.ca), cert: read(f.cert), key: read(f.key) };
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
      'not logged in; run `jitsudo login` (or `jitsudo login --dev --user you@example.com` on a dev server)',
      EXIT.UNAUTHENTICATED,
    );
  if (!usable(creds))
    throw new CliError('your login has expired; run `jitsudo login` again', EXIT.UNAUTHENTICATED);
  const base = resolveServer(server ?? envServer() ?? creds.server_url);
  const tls = clientTls();
  // The token is settled (an OIDC session refreshed if it is about to expire) at the first call,
  // so a refresh failure surfaces as its own error line, not as "cannot reach jitsudod".
  // openid-client loads only when a refresh is due (it costs every command ~0.1 s otherwise).
  const bearer = () =>
    creds.kind === 'oidc' && secondsLeft(creds) <= REFRESH_BEFORE_SECONDS
      ? import('./oidc/session.js').then((m) => m.sessionToken(creds, tls))
      : Promise.resolve(creds.token);
  let ready: Promise<Client> | undefined;
  const client = () => (ready ??= bearer().then((t) => createClient({ server: base, token: t, tls })));
  return new Proxy({ server: base } as Client, {
    get(target, prop) {
      if (prop === 'server') return target.server;
      if (prop === 'then') return undefined;
      return (...args: unknown[]) =>
        client().then((c) => (c[prop as keyof Client] as (...a: unknown[]) => unknown)(...args));
    },
  });
}

/** Where the current bearer comes from, for `whoami` (read after a call, so after any refresh). */
export function sessionInfo():
  | { source: 'env' }
  | { source: 'file'; kind: 'dev' | 'oidc'; expires_at: string; issuer?: string } {
  if (envToken()) return { source: 'env' };
  const c = loadCredentials();
  if (!c) return { source: 'env' };
  return {
    source: 'file',
    kind: c.kind,
    expires_at: c.expires_at,
    ...(c.issuer ? { issuer: c.issuer } : {}),
  };
}
