/**
 * The HTTP app (API, /openapi.json, health, /mcp) in front of a core, built the same way for
 * jitsudod and for createJitsudo: agent tokens resolved through the core, readiness is "the
 * database answers", dev tokens only in dev auth mode.
 */
import type { Logger } from 'pino';
import { agentTokenResolver } from '../core/agents/authenticate.js';
import type { Core } from '../core/create-core.js';
import { createAuthenticator, protectedResource } from '../core/identity/index.js';
import { createApp } from '../http/app.js';
import type { HttpMetrics, MetricsEndpoint } from '../http/metrics-port.js';
import { clientCertificateActor } from '../http/middleware/client-certificate.js';
import { slackRoute } from '../notify/slack/index.js';
import { readiness } from './readiness.js';
import { stepUpLinks, stepUpRoute } from './step-up-route.js';
import { httpVerbs } from './verbs.js';

export interface CoreAppOptions {
  /** Latencies go here; `endpoint` also mounts GET /metrics on this app. */
  metrics?: { http: HttpMetrics; endpoint?: MetricsEndpoint };
  /** True once shutdown began: /readyz then fails, so load balancers stop sending traffic. */
  closing?: () => boolean;
}

/** The app for `core`; invariant: every route calls this core's verbs with this core's keys. */
export function coreApp(core: Core, log: Logger, opts: CoreAppOptions = {}): ReturnType<typeof createApp> {
  const { config, keys } = core.deps;
  const identity = { config, keys };
  const resource = protectedResource(config);
  if (config.auth.mode === 'oidc' && !resource)
    log.warn(
      { key: 'auth.oidc.audience' },
      'auth.oidc.audience is not an https URL: MCP clients cannot discover how to sign in (ADR 0043)',
    );
  const verbs = httpVerbs(core);
  const slack = slackRoute(core.deps, verbs, log, undefined, stepUpLinks(core.deps));
  const stepUp = stepUpRoute(core.deps);
  return createApp({
    verbs,
    authenticator: createAuthenticator({
      ...identity,
      agents: agentTokenResolver(core.deps),
      onIdpUnavailable: (reason) => log.error({ idp_error: reason }, 'identity provider unavailable'),
    }),
    log,
    ready: readiness(core.deps, opts.closing),
    ...(opts.metrics
      ? {
          metrics: opts.metrics.http,
          ...(opts.metrics.endpoint ? { metricsEndpoint: opts.metrics.endpoint } : {}),
        }
      : {}),
    // Production mode refuses auth.mode dev at start; this keeps the endpoint away even for embedders.
    devTokens: config.auth.mode === 'dev' && config.mode !== 'production' ? identity : undefined,
    clientCertificates: config.tls.client_identity.enabled
      ? clientCertificateActor(config.tls.client_identity.allowed_prefixes)
      : undefined,
    protectedResource: resource,
    ...(slack ? { slack } : {}),
    ...(stepUp ? { stepUp } : {}),
    authConfig: {
      mode: config.auth.mode,
      issuer: config.auth.oidc?.issuer,
      client_id: config.auth.oidc?.client_id,
      audience: config.auth.oidc?.audience,
      required_scopes: config.auth.oidc?.required_scopes,
    },
    mcp: {
      allowedOrigins: config.mcp.allowed_origins,
      limits: {
        maxConcurrentWaits: config.mcp.max_concurrent_waits,
        maxConcurrentCalls: config.mcp.max_concurrent_calls,
      },
    },
  });
}
