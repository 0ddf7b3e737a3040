/**
 * The only reader of `process.env`. Merges defaults ← YAML file ← `JITSUDOD_*` variables ← explicit
 * overrides through one zod schema into a frozen object, and fails at start-up naming the bad key.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { applyEnv } from './config-env.js';
import { AppError } from './errors.js';
import { METRICS_DEFAULTS, MetricsConfig } from './metrics/config.js';
import { NOTIFICATIONS_DEFAULTS, NotificationsConfig } from './outbox/config.js';
import { APPROVALS_DEFAULTS, ApprovalsConfig } from './step-up/config.js';

const AgentLimits = z
  .object({
    max_open_requests: z
      .number()
      .int()
      .positive()
      .default(5)
      .describe('Open (PENDING or APPROVED) requests one agent may have.'),
    max_requests_per_hour: z
      .number()
      .int()
      .positive()
      .default(30)
      .describe('Requests one agent may create per hour.'),
    max_active_grants: z.number().int().positive().default(3).describe('ACTIVE grants one agent may hold.'),
  })
  .strict();

/** Per-principal caps on /mcp when the config says nothing (apps built without a config use them too). */
export const MCP_DEFAULT_MAX_WAITS = 8;
export const MCP_DEFAULT_MAX_CALLS = 16;

/** A serialized origin as browsers send it: scheme://host[:port], lower case, no path. */
const McpOrigin = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s;
  } catch {
    return false;
  }
}, 'must be an origin like https://app.example.com (scheme, host, optional port; lower case; no path)');

const CatalogEntry = z
  .object({
    provider: z.string().min(1).describe('Provider name.'),
    role: z.string().min(1).describe('Role at the provider.'),
    scopes: z.array(z.string().min(1)).min(1).describe('Resource scopes the role may be asked for.'),
    description: z.string().default('').describe('Shown to people and agents.'),
    max_duration_seconds: z.number().int().positive().optional().describe('Longest grant of this role.'),
    /** The role only reads: policy may treat it as read-only (data.jitsudo.catalog.read_only_roles). */
    read_only: z.boolean().default(false).describe('The role only reads: policy may treat it as read-only.'),
  })
  .strict();

export const ConfigSchema = z
  .object({
    /** All local state (PGlite data, keys, lock file) lives here. */
    home: z
      .string()
      .min(1)
      .describe('All local state (PGlite data, keys, lock file); default $JITSUDO_HOME or ~/.jitsudo.'),
    /**
     * `production` (what `jitsudod serve` runs without `--dev`) refuses every dev setting, naming the
     * key (docs/adr, "production mode"); `dev` is the loopback developer mode. Embedders default to dev.
     */
    mode: z
      .enum(['dev', 'production'])
      .default('dev')
      .describe(
        'production (what `jitsudod serve` runs without --dev) refuses every dev setting, naming the key; dev is the loopback developer mode.',
      ),
    http: z
      .object({
        addr: z
          .string()
          .min(1)
          .default('127.0.0.1:8080')
          .describe('Listen address host:port of the API, /mcp and health endpoints.'),
        /** TLS ends at a proxy in front: a non-loopback plain listener is then allowed in production. */
        behind_tls_proxy: z
          .boolean()
          .default(false)
          .describe(
            'TLS ends at a proxy in front: a non-loopback plain listener is then allowed in production.',
          ),
        /** Addresses of that proxy (required with behind_tls_proxy). */
        trusted_proxies: z
          .array(z.string().min(1))
          .default([])
          .describe('Addresses of that proxy (required with behind_tls_proxy); other peers are refused.'),
        /** The URL people reach jitsudod at (step-up pages and their IdP redirect URI, ADR 0050). */
        public_url: z
          .string()
          .url()
          .refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL')
          .optional()
          .describe(
            'The URL people reach jitsudod at: step-up links, and the IdP redirect URI (this URL + /step-up/callback); https in production.',
          ),
        shutdown_timeout_seconds: z
          .number()
          .int()
          .min(0)
          .max(600)
          .default(10)
          .describe(
            'On SIGTERM: how long requests in flight and background work may take to finish before they are cut.',
          ),
      })
      .strict()
      .default({
        addr: '127.0.0.1:8080',
        behind_tls_proxy: false,
        trusted_proxies: [],
        shutdown_timeout_seconds: 10,
      }),
    /** TLS on the listener; files are re-read when they change. */
    tls: z
      .object({
        cert_file: z
          .string()
          .min(1)
          .optional()
          .describe('PEM certificate of the listener (re-read when it changes).'),
        key_file: z
          .string()
          .min(1)
          .optional()
          .describe('PEM private key of the listener (re-read when it changes).'),
        /** CA that signs client certificates (mTLS). */
        client_ca_file: z.string().min(1).optional().describe('CA that signs client certificates (mTLS).'),
        client_auth: z
          .enum(['none', 'optional', 'require'])
          .default('none')
          .describe('Whether clients must present a certificate signed by client_ca_file.'),
        /**
         * A verified client certificate's SAN URI (e.g. a SPIFFE ID) or DNS name → a service principal.
         * Off by default: a certificate then only gates the connection.
         */
        client_identity: z
          .object({
            enabled: z
              .boolean()
              .default(false)
              .describe("Map a verified client certificate's SAN URI or DNS name to a service principal."),
            allowed_prefixes: z
              .array(z.string().min(1))
              .default([])
              .describe(
                'SAN prefixes (e.g. spiffe://example.org/ns/ci/) whose certificates are service principals.',
              ),
          })
          .strict()
          .default({ enabled: false, allowed_prefixes: [] }),
      })
      .strict()
      .default({ client_auth: 'none', client_identity: { enabled: false, allowed_prefixes: [] } }),
    database: z
      .object({
        /** PostgreSQL URL; absent → embedded PGlite in `<home>/data`. `memory://` → in-memory PGlite. */
        url: z
          .string()
          .min(1)
          .optional()
          .describe(
            'PostgreSQL URL; absent: embedded PGlite in <home>/data; memory:// for an in-memory PGlite.',
          ),
        pool_size: z.number().int().positive().default(10).describe('PostgreSQL connections per process.'),
        /** Production mode refuses embedded PGlite (one process, local disk) unless this is true. */
        allow_embedded: z
          .boolean()
          .optional()
          .describe('Production mode refuses embedded PGlite (one process, local disk) unless this is true.'),
      })
      .strict()
      .default({ pool_size: 10 }),
    auth: z
      .object({
        mode: z
          .enum(['dev', 'oidc'])
          .default('dev')
          .describe('How callers are identified: dev tokens (loopback only) or an OIDC identity provider.'),
        admin_group: z
          .string()
          .min(1)
          .default('jitsudo-admins')
          .describe('Members of this group are administrators.'),
        admin_emails: z
          .array(z.string())
          .default([])
          .describe('People who are administrators regardless of groups.'),
        /** Required when mode is oidc; see ADR 0040 for the verifier's choices. */
        oidc: z
          .object({
            issuer: z
              .string()
              .url()
              .describe("The identity provider's issuer URL (discovery and JWKS are fetched from it)."),
            /** The `aud` access tokens must carry (the resource jitsudod is, RFC 8707). */
            audience: z
              .string()
              .min(1)
              .describe('The aud access tokens must carry (the resource jitsudod is, RFC 8707).'),
            /** Public client `jitsudo login` uses (served by GET /auth/config). */
            client_id: z
              .string()
              .min(1)
              .optional()
              .describe('Public client `jitsudo login` uses (served by GET /auth/config).'),
            /**
             * Confidential web client for the step-up confirmation page (authorization code + PKCE,
             * redirect URI `<http.public_url>/step-up/callback`; ADR 0050).
             */
            web_client_id: z
              .string()
              .min(1)
              .optional()
              .describe(
                'Confidential web client of the step-up sign-in page (authorization code + PKCE; ADR 0050).',
              ),
            web_client_secret: z.string().min(1).optional().describe('Its client secret.'),
            /** Scopes the step-up sign-in asks for (add the one that puts groups in the ID token). */
            web_scopes: z
              .array(z.string().min(1))
              .max(16)
              .optional()
              .describe(
                'Scopes the step-up sign-in asks for (default openid email; add the one that puts groups in the ID token).',
              ),
            /** Claim naming a person (falls back to email_claim; `sub` never names a person: ADR 0040). */
            identity_claim: z
              .string()
              .min(1)
              .default('email')
              .describe('Claim naming a person (falls back to email_claim; sub never names a person).'),
            email_claim: z.string().min(1).default('email').describe('Claim holding the email address.'),
            /** Dotted path to the groups array, e.g. `realm_access.roles`. */
            groups_claim: z
              .string()
              .min(1)
              .default('groups')
              .describe('Dotted path to the groups array, e.g. realm_access.roles.'),
            groups_max: z
              .number()
              .int()
              .positive()
              .max(1000)
              .default(64)
              .describe('Tokens with more groups than this are refused.'),
            allowed_algs: z
              .array(
                z.enum([
                  'RS256',
                  'RS384',
                  'RS512',
                  'PS256',
                  'PS384',
                  'PS512',
                  'ES256',
                  'ES384',
                  'ES512',
                  'EdDSA',
                  'Ed25519',
                ]),
              )
              .min(1)
              .default(['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'])
              .describe('JWS algorithms accepted on access tokens.'),
            clock_skew_seconds: z
              .number()
              .int()
              .min(0)
              .max(300)
              .default(30)
              .describe('Tolerance on exp/nbf/iat.'),
            jwks_cache_seconds: z
              .number()
              .int()
              .min(60)
              .max(86_400)
              .default(600)
              .describe("How long the IdP's signing keys are cached."),
            /** Bound on each discovery/JWKS fetch; a slower IdP is "unavailable", not a hang. */
            http_timeout_ms: z
              .number()
              .int()
              .min(100)
              .max(30_000)
              .default(5000)
              .describe('Bound on each discovery/JWKS fetch; a slower IdP is unavailable, not a hang.'),
            /**
             * Scopes every OIDC token must carry (`scope` or `scp`), on /mcp and the API alike; a token
             * without them is a 403 insufficient_scope. Empty: the audience alone decides (ADR 0043).
             */
            required_scopes: z
              .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be an OAuth scope token'))
              .max(16)
              .default([])
              .describe(
                'Scopes every OIDC token must carry (scope or scp), on /mcp and the API alike; empty: the audience alone decides.',
              ),
          })
          .strict()
          .optional(),
        /** Lifetime of dev-mode tokens minted by `jitsudo login --dev`. */
        dev_token_ttl_seconds: z
          .number()
          .int()
          .positive()
          .default(12 * 3600)
          .describe('Lifetime of dev-mode tokens minted by `jitsudo login --dev`.'),
      })
      .strict()
      .default({
        mode: 'dev',
        admin_group: 'jitsudo-admins',
        admin_emails: [],
        dev_token_ttl_seconds: 43200,
      }),
    policy: z
      .object({
        engine: z
          .enum(['rego', 'wasm'])
          .default('rego')
          .describe(
            "Policy engine: jitsudo's Rego interpreter (policy store) or an OPA-compiled wasm bundle.",
          ),
        /** Directory of `.rego` files seeded into the policy store when it is empty. */
        dir: z
          .string()
          .optional()
          .describe(
            'Directory of .rego files seeded into the policy store when it is empty (default: the shipped policies/).',
          ),
        /** OPA bundle (.tar.gz) or policy.wasm for the wasm engine. */
        bundle: z.string().optional().describe('OPA bundle (.tar.gz) or policy.wasm for the wasm engine.'),
        /** Replicas re-read the policy store this often (hot reload across processes). */
        reload_interval_seconds: z
          .number()
          .int()
          .positive()
          .default(30)
          .describe('Replicas re-read the policy store this often (hot reload across processes).'),
        rego_version: z.enum(['v0', 'v1']).default('v1').describe('Rego syntax of the policy modules.'),
      })
      .strict()
      .default({ engine: 'rego', reload_interval_seconds: 30, rego_version: 'v1' }),
    requests: z
      .object({
        pending_ttl_seconds: z
          .number()
          .int()
          .positive()
          .default(24 * 3600)
          .describe('A request nobody decided expires after this long.'),
        max_duration_seconds: z
          .number()
          .int()
          .positive()
          .default(7 * 24 * 3600)
          .describe('Longest grant anyone may ask for (policy may allow less).'),
        ai_review_escalate_after_seconds: z
          .number()
          .int()
          .positive()
          .default(15 * 60)
          .describe('An ai_review request no reviewer decided goes to humans after this long.'),
        max_reason_length: z
          .number()
          .int()
          .positive()
          .default(4096)
          .describe('Longest reason a request may carry.'),
        /** Hard ceiling on a grant's time from activation to expiry, extensions included (ADR 0045). */
        max_total_duration_seconds: z
          .number()
          .int()
          .positive()
          .default(7 * 24 * 3600)
          .describe("Hard ceiling on a grant's time from activation to expiry, extensions included."),
      })
      .strict()
      .default({
        pending_ttl_seconds: 86400,
        max_duration_seconds: 604800,
        ai_review_escalate_after_seconds: 900,
        max_reason_length: 4096,
        max_total_duration_seconds: 604800,
      }),
    sweeper: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('Run the sweeper (expiry, retries, drift checks) in this process.'),
        interval_ms: z.number().int().positive().default(1000).describe('Pause between sweeper ticks.'),
        batch_size: z.number().int().positive().default(500).describe('Rows claimed per batch.'),
        max_attempts: z
          .number()
          .int()
          .positive()
          .default(8)
          .describe('Grant attempts before a request is FAILED.'),
        /** Provider calls in flight at once per process (grants, revokes, drift checks). */
        provider_concurrency: z
          .number()
          .int()
          .positive()
          .max(1024)
          .default(64)
          .describe('Provider calls in flight at once per process (grants, revokes, drift checks).'),
        /** How long a claimed piece of work stays with one process before others may take it over. */
        lease_seconds: z
          .number()
          .int()
          .min(5)
          .default(120)
          .describe(
            'How long a claimed piece of work stays with one process before others may take it over.',
          ),
        /** A provider call that takes longer than this is treated as a retryable failure. */
        provider_timeout_seconds: z
          .number()
          .int()
          .positive()
          .default(30)
          .describe('A provider call that takes longer is treated as a retryable failure.'),
        /** How often ACTIVE grants are checked at the provider for out-of-band removal; 0 = never. */
        reconcile_interval_seconds: z
          .number()
          .int()
          .min(0)
          .default(300)
          .describe(
            'How often ACTIVE grants are checked at the provider for out-of-band removal; 0 = never.',
          ),
      })
      .strict()
      .default({
        enabled: true,
        interval_ms: 1000,
        batch_size: 500,
        max_attempts: 8,
        provider_concurrency: 64,
        lease_seconds: 120,
        provider_timeout_seconds: 30,
        reconcile_interval_seconds: 300,
      }),
    /** Per-provider settings; each provider validates its own section. `mock: {}` enables the mock. */
    providers: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .default({})
      .describe(
        'Per-provider settings; each provider validates its own section (docs/providers.md). `mock: {}` enables the mock.',
      ),
    encryption: z
      .object({
        key: z
          .string()
          .optional()
          .describe('Master key (base64, 32 bytes); absent: generated into <home> on first start.'),
        /** Earlier master keys, kept after a rotation so audit rows and checkpoints they signed still verify. */
        retired_keys: z
          .array(z.string().min(1))
          .default([])
          .describe(
            'Earlier master keys, kept after a rotation so rows and checkpoints they signed still verify.',
          ),
      })
      .strict()
      .default({ retired_keys: [] }),
    audit: z
      .object({
        /**
         * Copies of every signed checkpoint kept outside the database (docs/adr/0035): `file` gets one
         * JSON line per checkpoint, `url` one POST. `jitsudo audit verify --anchor <file>` then detects a
         * truncated tail even when the checkpoints in the database were deleted with it.
         */
        anchor: z
          .object({ file: z.string().min(1).optional(), url: z.string().url().optional() })
          .strict()
          .default({}),
        checkpoint_interval_seconds: z
          .number()
          .int()
          .positive()
          .default(60)
          .describe('How often the audit head is signed (tail truncation becomes detectable).'),
      })
      .strict()
      .default({ anchor: {}, checkpoint_interval_seconds: 60 }),
    log: z
      .object({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info')
          .describe('Log level of the JSON logs on stdout.'),
      })
      .strict()
      .default({ level: 'info' }),
    mcp: z
      .object({
        /** Providers for which `get_credentials` may hand the secret to an agent. Off by default. */
        get_credentials_providers: z
          .array(z.string())
          .default([])
          .describe('Providers for which get_credentials may hand the secret to an agent. Off by default.'),
        /**
         * Browser origins (`https://host[:port]`) allowed to call /mcp. A request without Origin
         * (not a browser) is allowed; in dev identity mode loopback origins are too (ADR 0036).
         */
        allowed_origins: z
          .array(McpOrigin)
          .default([])
          .describe(
            'Browser origins (https://host[:port]) allowed to call /mcp; requests without Origin are allowed.',
          ),
        /** wait_for_request calls one principal may have in flight, per replica. */
        max_concurrent_waits: z
          .number()
          .int()
          .positive()
          .default(MCP_DEFAULT_MAX_WAITS)
          .describe('wait_for_request calls one principal may have in flight, per replica.'),
        /** Tool calls (waits included) one principal may have in flight, per replica. */
        max_concurrent_calls: z
          .number()
          .int()
          .positive()
          .default(MCP_DEFAULT_MAX_CALLS)
          .describe('Tool calls (waits included) one principal may have in flight, per replica.'),
      })
      .strict()
      .default({
        get_credentials_providers: [],
        allowed_origins: [],
        max_concurrent_waits: MCP_DEFAULT_MAX_WAITS,
        max_concurrent_calls: MCP_DEFAULT_MAX_CALLS,
      }),
    agents: z
      .object({
        limits: AgentLimits.default({
          max_open_requests: 5,
          max_requests_per_hour: 30,
          max_active_grants: 3,
        }),
      })
      .strict()
      .default({ limits: { max_open_requests: 5, max_requests_per_hour: 30, max_active_grants: 3 } }),
    /** Roles agents and humans may ask for; `list_eligible_access` filters it through policy. */
    catalog: z
      .array(CatalogEntry)
      .default([])
      .describe('Roles agents and humans may ask for; list_eligible_access filters it through policy.'),
    /** Step-up approvals (ADR 0050). */
    approvals: ApprovalsConfig.default(APPROVALS_DEFAULTS),
    /** The outbox's delivery worker and sinks (ADR 0046). */
    notifications: NotificationsConfig.default(NOTIFICATIONS_DEFAULTS),
    /** Prometheus metrics (ADR 0053). */
    metrics: MetricsConfig.default(METRICS_DEFAULTS),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

type Env = Record<string, string | undefined>;

function deepMerge(a: Record<string, any>, b: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] =
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      a[k] &&
      typeof a[k] === 'object' &&
      !Array.isArray(a[k])
        ? deepMerge(a[k], v)
        : v;
  }
  return out;
}

export interface LoadConfigOptions {
  /** YAML config file; defaults to `$JITSUDOD_CONFIG` when set. */
  file?: string;
  env?: Env;
  /** Beneath the file and env: what a command assumes unless told (serve: production mode). */
  defaults?: Record<string, unknown>;
  overrides?: ConfigInput | Record<string, unknown>;
  /** Told of each scalar key an override replaces where the file or env said otherwise (serve --dev warns). */
  onOverride?: (key: string, was: unknown, now: unknown) => void;
}

/** Calls `tell` for each scalar of `o` that replaces a different value of `raw` not from `defaults`. */
function reportOverrides(
  raw: Record<string, any> | undefined,
  o: Record<string, any>,
  defaults: Record<string, any> | undefined,
  tell: NonNullable<LoadConfigOptions['onOverride']>,
  at = '',
): void {
  for (const [k, v] of Object.entries(o)) {
    const was = raw?.[k];
    if (v && typeof v === 'object' && !Array.isArray(v))
      reportOverrides(was, v, defaults?.[k], tell, `${at}${k}.`);
    else if (was !== undefined && was !== v && was !== defaults?.[k]) tell(`${at}${k}`, was, v);
  }
}

/** Builds the frozen config; throws AppError VALIDATION naming the first bad key. */
export function loadConfig(opts: LoadConfigOptions = {}): Readonly<Config> {
  const env = opts.env ?? process.env;
  let raw: Record<string, any> = {
    home: env.JITSUDO_HOME ? resolve(env.JITSUDO_HOME) : join(homedir(), '.jitsudo'),
  };
  if (opts.defaults) raw = deepMerge(raw, opts.defaults);
  const file = opts.file ?? env.JITSUDOD_CONFIG;
  if (file) {
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new AppError('VALIDATION', `cannot read config file ${file}: ${(e as Error).message}`);
    }
    if (parsed != null && (typeof parsed !== 'object' || Array.isArray(parsed)))
      throw new AppError('VALIDATION', `config file ${file} must be a YAML mapping`);
    raw = deepMerge(raw, (parsed ?? {}) as Record<string, any>);
  }
  applyEnv(raw, env);
  if (opts.overrides) {
    if (opts.onOverride)
      reportOverrides(raw, opts.overrides as Record<string, any>, opts.defaults, opts.onOverride);
    raw = deepMerge(raw, opts.overrides as Record<string, any>);
  }
  return parseConfig(raw);
}

/** Validates a config object (used directly by embedders); throws naming the bad key. */
export function parseConfig(raw: unknown): Readonly<Config> {
  const r = ConfigSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const key = issue.path.join('.') || '(root)';
    throw new AppError('VALIDATION', `invalid config key ${key}: ${issue.message}`, {
      details: { key, issues: r.error.issues.map((i) => ({ key: i.path.join('.'), message: i.message })) },
    });
  }
  return deepFreeze(r.data);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
