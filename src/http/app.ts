/**
 * `createApp` builds the whole HTTP API: security headers → request id → request log → (dev:
 * loopback Host guard) → body limit → health/version/openapi → bearer auth → versioned routes, and
 * /mcp behind its Origin check. API and /mcp responses are `no-store`. Used by `jitsudod serve`, by
 * tests through `app.request()`, and by embedders.
 */
import { readFileSync } from 'node:fs';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import pino, { type Logger } from 'pino';
import type { Actor } from '../core/actor.js';
import type { Authenticator, IdentityDeps, ProtectedResource } from '../core/identity/index.js';
import type { WaitOptions } from '../mcp/context.js';
import type { McpLimits } from '../mcp/limits.js';
import { MCP_PATH, registerMcpRoute } from '../mcp/route.js';
import type { HttpVerbs } from './core-port.js';
import type { HonoEnv } from './env.js';
import { errorResponse, mapError } from './errors.js';
import type { HttpMetrics, MetricsEndpoint } from './metrics-port.js';
import { authenticate } from './middleware/authenticate.js';
import { bodyLimit } from './middleware/body-limit.js';
import { loopbackHostOnly } from './middleware/loopback-host.js';
import { allowedOrigin } from './middleware/origin.js';
import { requestId } from './middleware/request-id.js';
import { requestLog } from './middleware/request-log.js';
import { requestMetrics } from './middleware/request-metrics.js';
import { noStore, securityHeaders } from './middleware/security-headers.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerAuditRoutes } from './routes/audit.js';
import {
  type AuthConfigView,
  registerAuthConfigRoute,
  registerDevTokenRoute,
  registerWhoamiRoute,
} from './routes/auth.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerPolicyRoutes } from './routes/policies.js';
import { registerPrincipalRoutes } from './routes/principals.js';
import { registerProtectedResourceRoutes } from './routes/protected-resource.js';
import { registerRequestRoutes } from './routes/requests.js';
import { registerReviewRoute } from './routes/review.js';
import { registerSlackRoutes, type SlackRouteOptions } from './routes/slack.js';
import { registerStepUpRoutes, type StepUpRouteOptions } from './routes/step-up.js';
import { createRouter } from './validation.js';

export const API_PREFIX = '/api/v1alpha1';
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface AppOptions {
  verbs: HttpVerbs;
  authenticator: Authenticator;
  /** mTLS identity mapping (tls.client_identity): the actor of a verified client certificate. */
  clientCertificates?: (c: Context<HonoEnv>) => Actor | undefined;
  log?: Logger;
  /** Resolves when the database answers (`/readyz`). */
  ready?: () => Promise<void>;
  version?: string;
  /** Dev identity mode: mounts POST /auth/dev-token and refuses non-loopback Host headers. */
  devTokens?: IdentityDeps;
  /**
   * OIDC mode: jitsudod as an OAuth protected resource (RFC 9728 metadata at /.well-known/…, named
   * in every 401's WWW-Authenticate). Absent: no metadata route, challenges without it (ADR 0043).
   */
  protectedResource?: ProtectedResource;
  /** What GET /auth/config publishes (public facts only); `{ mode: 'dev' }` when absent. */
  authConfig?: AuthConfigView;
  bodyLimitBytes?: number;
  /** Slack's interactivity endpoint, POST /slack/interactions (ADR 0048); absent: not mounted. */
  slack?: SlackRouteOptions;
  /** The step-up confirmation pages under /step-up (ADR 0050); absent: not mounted. */
  stepUp?: StepUpRouteOptions;
  /** The MCP endpoint at /mcp (on by default); `wait` tunes wait_for_request (tests shorten it). */
  mcp?: false | McpAppOptions;
  /** Request and MCP tool latencies go here (ADR 0053). */
  metrics?: HttpMetrics;
  /** Mounts GET /metrics on this app (absent: served elsewhere or not at all). */
  metricsEndpoint?: MetricsEndpoint;
}

export interface McpAppOptions {
  wait?: Partial<WaitOptions>;
  /** Per-principal caps on calls in flight (config `mcp.max_concurrent_waits` / `_calls`). */
  limits?: Partial<McpLimits>;
  /** Browser origins allowed on /mcp (config `mcp.allowed_origins`); dev mode adds loopback ones. */
  allowedOrigins?: readonly string[];
}

/** The package version, read once. */
export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Builds the Hono app; stateless apart from what `opts` holds, so tests can build many. */
export function createApp(opts: AppOptions): OpenAPIHono<HonoEnv> {
  const log = opts.log ?? pino({ level: 'silent' });
  const limit = opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const app = createRouter();
  app.onError(mapError);
  app.notFound((c) => errorResponse(c, 'NOT_FOUND', `no such endpoint: ${c.req.method} ${c.req.path}`));

  // First, so that responses of the guards below (403, 413) carry these headers too.
  app.use('*', securityHeaders());
  app.use(`${API_PREFIX}/*`, noStore());
  if (opts.mcp !== false) app.use(MCP_PATH, noStore());
  app.use('*', requestId());
  const metadataUrl = opts.protectedResource?.metadataUrl;
  if (metadataUrl)
    app.use('*', (c, next) => {
      c.set('resourceMetadata', metadataUrl);
      return next();
    });
  app.use('*', requestLog(log));
  if (opts.metrics) app.use('*', requestMetrics(opts.metrics));
  if (opts.devTokens) app.use('*', loopbackHostOnly());
  app.use(
    '*',
    bodyLimit({
      maxSize: limit,
      onError: (c) =>
        errorResponse(c, 'VALIDATION', `request body too large (limit ${Math.round(limit / 1024)} KiB)`, {
          status: 413,
        }),
    }),
  );

  registerHealthRoutes(app, {
    version: opts.version ?? PACKAGE_VERSION,
    ready: opts.ready ?? (async () => {}),
  });
  if (opts.metricsEndpoint) registerMetricsRoute(app, opts.metricsEndpoint);
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'jitsudo', version: opts.version ?? PACKAGE_VERSION },
  });

  if (opts.protectedResource) registerProtectedResourceRoutes(app, opts.protectedResource);
  // Authenticated by Slack's signature, not a bearer token: outside the API router.
  if (opts.slack) registerSlackRoutes(app, opts.slack);
  // A browser's pages, authenticated by a fresh IdP sign-in: outside the API router too.
  if (opts.stepUp) registerStepUpRoutes(app, opts.stepUp);
  // Registered before the bearer check: the dev-token endpoint is how a token is obtained at all.
  const pub = createRouter();
  if (opts.devTokens) registerDevTokenRoute(pub, opts.devTokens);
  registerAuthConfigRoute(pub, opts.authConfig ?? { mode: opts.authenticator.mode });
  app.route(API_PREFIX, pub);

  const api = createRouter();
  api.use('*', authenticate(opts.authenticator, opts.clientCertificates));
  registerWhoamiRoute(api);
  registerRequestRoutes(api, opts.verbs);
  registerReviewRoute(api, opts.verbs);
  registerPolicyRoutes(api, opts.verbs);
  registerAuditRoutes(api, opts.verbs);
  registerPrincipalRoutes(api, opts.verbs);
  registerAdminRoutes(api, opts.verbs);
  registerAgentRoutes(api, opts.verbs);
  app.route(API_PREFIX, api);

  if (opts.mcp !== false) {
    app.use(
      MCP_PATH,
      allowedOrigin({ allowed: opts.mcp?.allowedOrigins ?? [], loopback: opts.devTokens !== undefined }),
    );
    registerMcpRoute(app, {
      verbs: opts.verbs,
      authenticator: opts.authenticator,
      fromCertificate: opts.clientCertificates,
      version: opts.version ?? PACKAGE_VERSION,
      log,
      wait: opts.mcp?.wait,
      limits: opts.mcp?.limits,
      observeTool: opts.metrics?.observeTool,
    });
  }
  return app;
}
