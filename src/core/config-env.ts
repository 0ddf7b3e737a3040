/**
 * The environment variables jitsudod reads as config keys, applied over the file's values. Any
 * other variable starting with JITSUDOD_ is refused, so a misspelt one never goes unnoticed.
 */
import { AppError } from './errors.js';

function setPath(target: Record<string, any>, path: string[], value: unknown): void {
  let cur = target;
  for (const key of path.slice(0, -1)) cur = cur[key] ??= {};
  cur[path.at(-1)!] = value;
}

/** Env variables that map onto config keys. Anything else starting with JITSUDOD_ is rejected. */
export const ENV_KEYS: Record<string, { path: string[]; parse?: (s: string) => unknown }> = {
  JITSUDOD_HTTP_ADDR: { path: ['http', 'addr'] },
  JITSUDOD_MODE: { path: ['mode'] },
  JITSUDOD_TLS_CERT_FILE: { path: ['tls', 'cert_file'] },
  JITSUDOD_TLS_KEY_FILE: { path: ['tls', 'key_file'] },
  JITSUDOD_TLS_CA_FILE: { path: ['tls', 'client_ca_file'] },
  JITSUDOD_TLS_CLIENT_AUTH: { path: ['tls', 'client_auth'] },
  JITSUDOD_DATABASE_ALLOW_EMBEDDED: {
    path: ['database', 'allow_embedded'],
    parse: (s) => s === 'true' || s === '1',
  },
  JITSUDOD_DATABASE_URL: { path: ['database', 'url'] },
  DATABASE_URL: { path: ['database', 'url'] },
  JITSUDOD_LOG_LEVEL: { path: ['log', 'level'] },
  JITSUDOD_ENCRYPTION_KEY: { path: ['encryption', 'key'] },
  JITSUDOD_AUDIT_ANCHOR_FILE: { path: ['audit', 'anchor', 'file'] },
  JITSUDOD_AUDIT_ANCHOR_URL: { path: ['audit', 'anchor', 'url'] },
  JITSUDOD_AUTH_MODE: { path: ['auth', 'mode'] },
  JITSUDOD_ADMIN_GROUP: { path: ['auth', 'admin_group'] },
  JITSUDOD_OIDC_ISSUER: { path: ['auth', 'oidc', 'issuer'] },
  JITSUDOD_OIDC_AUDIENCE: { path: ['auth', 'oidc', 'audience'] },
  JITSUDOD_OIDC_CLIENT_ID: { path: ['auth', 'oidc', 'client_id'] },
  JITSUDOD_OIDC_WEB_CLIENT_ID: { path: ['auth', 'oidc', 'web_client_id'] },
  JITSUDOD_OIDC_WEB_CLIENT_SECRET: { path: ['auth', 'oidc', 'web_client_secret'] },
  JITSUDOD_PUBLIC_URL: { path: ['http', 'public_url'] },
  JITSUDOD_POLICY_DIR: { path: ['policy', 'dir'] },
  JITSUDOD_POLICY_ENGINE: { path: ['policy', 'engine'] },
  JITSUDOD_SWEEPER_ENABLED: { path: ['sweeper', 'enabled'], parse: (s) => s === 'true' || s === '1' },
  JITSUDOD_MCP_ALLOWED_ORIGINS: {
    path: ['mcp', 'allowed_origins'],
    parse: (s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
  },
  JITSUDOD_MCP_MAX_CONCURRENT_WAITS: { path: ['mcp', 'max_concurrent_waits'], parse: Number },
  JITSUDOD_MCP_MAX_CONCURRENT_CALLS: { path: ['mcp', 'max_concurrent_calls'], parse: Number },
  JITSUDOD_SHUTDOWN_TIMEOUT_SECONDS: { path: ['http', 'shutdown_timeout_seconds'], parse: Number },
  JITSUDOD_METRICS_ENABLED: { path: ['metrics', 'enabled'], parse: (s) => s === 'true' || s === '1' },
  JITSUDOD_METRICS_ADDR: { path: ['metrics', 'addr'] },
  JITSUDOD_METRICS_BEARER_TOKEN_FILE: { path: ['metrics', 'bearer_token_file'] },
};
const IGNORED_ENV = new Set(['JITSUDOD_CONFIG']);

/** Sets each mapped variable of `env` on `raw`; throws VALIDATION on an unknown JITSUDOD_ one. */
export function applyEnv(raw: Record<string, any>, env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const spec = ENV_KEYS[name];
    if (spec) setPath(raw, spec.path, spec.parse ? spec.parse(value) : value);
    else if (name.startsWith('JITSUDOD_') && !IGNORED_ENV.has(name))
      throw new AppError('VALIDATION', `unknown environment variable ${name}`);
  }
}
