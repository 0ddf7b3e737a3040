/**
 * OIDC discovery (`<issuer>/.well-known/openid-configuration`) with a bounded fetch. The document's
 * `issuer` must equal the configured one byte for byte: otherwise a token "from" our issuer could
 * be checked against keys someone else publishes (OpenID Connect Discovery §4.3).
 */
import { AppError } from '../../errors.js';

export interface Discovered {
  issuer: string;
  jwksUri: URL;
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Throws VALIDATION naming `auth.oidc.issuer` when the issuer URL itself is unacceptable. */
export function assertIssuerUrl(issuer: string): URL {
  const url = new URL(issuer);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new AppError(
      'VALIDATION',
      'invalid config key auth.oidc.issuer: must be https (http only on loopback)',
    );
  if (url.search || url.hash)
    throw new AppError(
      'VALIDATION',
      'invalid config key auth.oidc.issuer: must not carry a query or fragment',
    );
  return url;
}

/** Fetches and checks the discovery document; an IdP that fails to answer is UNAVAILABLE. */
export async function discover(issuer: string, timeoutMs: number): Promise<Discovered> {
  const base = assertIssuerUrl(issuer);
  const url = `${base.href.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let doc: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    doc = (await res.json()) as typeof doc;
  } catch (e) {
    throw new AppError('UNAVAILABLE', `identity provider discovery failed (${url}): ${reason(e)}`, {
      retryable: true,
    });
  }
  if (doc?.issuer !== issuer)
    throw new AppError(
      'VALIDATION',
      `invalid config key auth.oidc.issuer: the discovery document names issuer ${JSON.stringify(doc?.issuer)}, not ${JSON.stringify(issuer)}`,
    );
  let jwksUri: URL;
  try {
    jwksUri = new URL(String(doc.jwks_uri));
  } catch {
    throw new AppError('UNAVAILABLE', 'identity provider discovery document has no valid jwks_uri', {
      retryable: true,
    });
  }
  if (jwksUri.protocol !== 'https:' && !(jwksUri.protocol === 'http:' && LOOPBACK.has(jwksUri.hostname)))
    throw new AppError('VALIDATION', 'invalid config key auth.oidc.issuer: its jwks_uri is not https');
  return { issuer, jwksUri };
}

function reason(e: unknown): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return 'timed out';
  return e instanceof Error ? e.message.slice(0, 200) : 'failed';
}
