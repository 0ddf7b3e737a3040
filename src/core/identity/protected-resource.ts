/**
 * jitsudod as an OAuth 2.1 protected resource (RFC 9728, MCP authorization 2025-11-25): what
 * `/.well-known/oauth-protected-resource` publishes and where. The resource identifier is
 * `auth.oidc.audience` — the one value access tokens are issued for (RFC 8707) and the verifier
 * checks as `aud` — so a client that requests a token for the advertised resource gets one this
 * server accepts, on /mcp and the HTTP API alike (ADR 0043). Pure: no framework, no I/O.
 */
import type { IdentityConfig } from './types.js';

export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  bearer_methods_supported: ['header'];
  scopes_supported?: string[];
  resource_name: string;
}

export interface ProtectedResource {
  /** Absolute URL of the metadata, derived from the resource (RFC 9728 §3.1): what 401s point to. */
  metadataUrl: string;
  /** Paths that serve the document: the root form, `/mcp`'s path-suffixed form, the resource's own. */
  paths: string[];
  document: ProtectedResourceMetadata;
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * The protected-resource description, or undefined when there is none to give: dev identity mode
 * (no authorization server issues dev tokens), or an audience that is not an https URL (http on
 * loopback), e.g. `api://jitsudo` — RFC 9728 resource identifiers are URLs, and MCP clients must be
 * able to match the resource against the server URL they were given.
 */
export function protectedResource(config: IdentityConfig, mcpPath = '/mcp'): ProtectedResource | undefined {
  const oidc = config.auth.oidc;
  if (config.auth.mode !== 'oidc' || !oidc) return undefined;
  let url: URL;
  try {
    url = new URL(oidc.audience);
  } catch {
    return undefined;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!secure || url.hash || url.search || url.username || url.password) return undefined;
  // The resource's path goes after the well-known prefix (RFC 9728 §3.1); a bare origin has none.
  const suffix = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const scopes = oidc.required_scopes ?? [];
  return {
    metadataUrl: `${url.origin}${RESOURCE_METADATA_PATH}${suffix}`,
    paths: [
      ...new Set([
        RESOURCE_METADATA_PATH,
        `${RESOURCE_METADATA_PATH}${mcpPath}`,
        `${RESOURCE_METADATA_PATH}${suffix}`,
      ]),
    ],
    document: {
      // Verbatim: it is what clients send as `resource` and what the IdP puts in `aud`.
      resource: oidc.audience,
      authorization_servers: [oidc.issuer],
      bearer_methods_supported: ['header'],
      ...(scopes.length > 0 ? { scopes_supported: [...scopes] } : {}),
      resource_name: 'jitsudo',
    },
  };
}
