/**
 * `GET /.well-known/oauth-protected-resource` (and its path-suffixed forms): jitsudod's RFC 9728
 * metadata, so a standard MCP client that got a 401 from /mcp finds the authorization server and
 * the resource to ask a token for (ADR 0043). Public facts only; mounted in OIDC mode alone, so
 * dev mode answers 404. Cached for an hour and readable cross-origin: browser-based MCP clients
 * fetch it from their own origin and send `MCP-Protocol-Version`, which needs a preflight.
 */
import type { Hono } from 'hono';
import type { ProtectedResource } from '../../core/identity/index.js';
import type { HonoEnv } from '../env.js';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, OPTIONS',
  'access-control-allow-headers': 'mcp-protocol-version',
  'access-control-max-age': '3600',
};

export function registerProtectedResourceRoutes(app: Hono<HonoEnv>, resource: ProtectedResource): void {
  const body = JSON.stringify(resource.document);
  for (const path of resource.paths) {
    app.get(
      path,
      () =>
        new Response(body, {
          status: 200,
          headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600', ...CORS },
        }),
    );
    app.options(path, () => new Response(null, { status: 204, headers: CORS }));
  }
}
