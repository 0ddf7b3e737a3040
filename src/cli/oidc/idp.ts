/**
 * The identity provider as `jitsudo` sees it: OIDC discovery through openid-client for the public
 * client jitsudod names, over the same trust anchors as jitsudod (--ca-file), and the one place that
 * turns openid-client's errors into a CLI error line. The IdP's words (error, error_description)
 * may be quoted; a token never is.
 */
import * as oidc from 'openid-client';
import { type ClientTls, tlsFetch } from '../../client/tls-fetch.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

/** Scopes asked for unless --scope says otherwise: identity, email, and a refresh token. */
export const DEFAULT_SCOPE = 'openid email offline_access';

export interface IdpClient {
  issuer: string;
  clientId: string;
  /** The resource (RFC 8707) access tokens are asked for: jitsudod's audience. */
  audience: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Discovers the issuer for `client.clientId` (a public client: no secret). */
export async function discoverIdp(client: IdpClient, tls?: ClientTls): Promise<oidc.Configuration> {
  let url: URL;
  try {
    url = new URL(client.issuer);
  } catch {
    throw new CliError(`the issuer "${client.issuer}" is not a URL`, EXIT.USAGE);
  }
  // Plain http only to a loopback IdP (a local or test IdP): tokens and codes cross this connection.
  const insecure = url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !insecure)
    throw new CliError(`the issuer ${url.origin} must use https:// (http only on loopback)`, EXIT.USAGE);
  const execute = insecure ? [oidc.allowInsecureRequests] : [];
  try {
    const config = await oidc.discovery(url, client.clientId, undefined, oidc.None(), {
      execute,
      timeout: 15,
      ...(tls?.ca ? { [oidc.customFetch]: idpFetch(tls.ca) } : {}),
    });
    if (tls?.ca) config[oidc.customFetch] = idpFetch(tls.ca);
    config.timeout = 15;
    return config;
  } catch (e) {
    throw idpFailure(e, client.issuer, 'read its discovery document');
  }
}

/** https through the given CA (the client certificate is for jitsudod only); loopback http as is. */
function idpFetch(ca: string): oidc.CustomFetch {
  const viaCa = tlsFetch({ ca });
  return (url, o) => {
    const init: RequestInit = {
      method: o.method,
      headers: o.headers,
      body: o.body instanceof URLSearchParams ? o.body.toString() : (o.body as RequestInit['body']),
      redirect: o.redirect,
      signal: o.signal,
    };
    return url.startsWith('https:') ? viaCa(url, init) : fetch(url, init);
  };
}

export const codeExpired = () =>
  new CliError('the sign-in code expired before it was confirmed; run `jitsudo login` again', EXIT.TIMEOUT);

/** openid-client's and the network's failures → one CLI error that names the IdP and what failed. */
export function idpFailure(e: unknown, issuer: string, doing: string): CliError {
  if (e instanceof CliError) return e;
  const at = `the identity provider ${issuer}`;
  if (e instanceof oidc.ResponseBodyError || e instanceof oidc.AuthorizationResponseError) {
    const desc = e.error_description ? `: ${e.error_description.slice(0, 200)}` : '';
    if (e.error === 'invalid_grant')
      return new CliError(
        `${at} refused the saved session (${e.error}${desc}); run \`jitsudo login\` again`,
        EXIT.UNAUTHENTICATED,
      );
    if (e.error === 'access_denied')
      return new CliError(`sign-in was denied at ${at} (${e.error}${desc})`, EXIT.FORBIDDEN);
    if (e.error === 'expired_token') return codeExpired();
    return new CliError(`${at} refused to ${doing} (${e.error}${desc})`, EXIT.UNAUTHENTICATED);
  }
  const name = (e as Error | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new CliError(`${at} did not answer in time (trying to ${doing})`, EXIT.UNAVAILABLE);
  if (e instanceof oidc.ClientError && (e.code === 'OAUTH_TIMEOUT' || e.code === 'OAUTH_ABORT'))
    return new CliError(`${at} did not answer in time (trying to ${doing})`, EXIT.UNAVAILABLE);
  if (e instanceof oidc.ClientError)
    return new CliError(`cannot ${doing} at ${at}: ${e.message}`, EXIT.UNAVAILABLE);
  const cause = (e as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const why = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
  return new CliError(`cannot reach ${at} to ${doing}: ${why}`, EXIT.UNAVAILABLE);
}

/** Seconds until the access token expires: `expires_in`, else the JWT's `exp`, else one hour. */
export function expiresAt(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): string {
  const inSeconds = tokens.expiresIn() ?? jwtExp(tokens.access_token) ?? 3600;
  return new Date(Date.now() + inSeconds * 1000).toISOString();
}

function jwtExp(token: string): number | undefined {
  try {
    const exp = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).exp;
    return typeof exp === 'number' ? Math.max(0, exp - Math.floor(Date.now() / 1000)) : undefined;
  } catch {
    return undefined;
  }
}
