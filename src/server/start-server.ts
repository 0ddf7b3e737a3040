/**
 * Composition of a running jitsudod: config → logger → database (opened, migrated) → keys →
 * policies → providers → core (+ sweeper) → HTTP app on @hono/node-server. Returns a handle whose
 * close() drains HTTP, stops the sweeper, closes the providers (their connection pools) and the
 * database (releasing the PGlite lock).
 */
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import { type ServerType, serve } from '@hono/node-server';
import type { Logger } from 'pino';
import { auditCheckpointer } from '../core/audit/checkpointer.js';
import type { Config } from '../core/config.js';
import { type Core, createCore } from '../core/create-core.js';
import { loadOrCreateKeys } from '../core/crypto/secrets.js';
import { bindAuditMacKey } from '../core/db/audit-key.js';
import { migrate, openDatabase } from '../core/db/client.js';
import { createAuthenticator } from '../core/identity/index.js';
import { createPolicyStore, type PolicyStore } from '../core/policies/index.js';
import { notifyBackground } from '../notify/index.js';
import { sweeperBackground } from '../sweeper/index.js';
import { coreApp } from './core-app.js';
import { assertSafeListenAddress, DEV_MODE_WARNING } from './dev-mode.js';
import { addressInUse, assertAddressFree, parseListenAddress } from './listen-address.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics/exporter.js';
import { metricsApp, metricsBearerToken } from './metrics/metrics-app.js';
import { assertProductionSafe } from './production-mode.js';
import { closeProviders, loadProviders } from './providers.js';
import { logRefusedHandshakes } from './refused-handshakes.js';
import { httpsServerOptions, reloadOnChange } from './tls-options.js';
import { onlyTrustedProxies } from './trusted-proxies.js';

export interface StartServerOptions {
  config: Readonly<Config>;
  log?: Logger;
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080 (the real port when the config said :0). */
  url: string;
  /** Base URL of the separate metrics listener (metrics.addr), when there is one. */
  metricsUrl?: string;
  core: Core;
  /** Drains HTTP (up to `graceMs`), stops background work, closes the providers and the database. Idempotent. */
  close(graceMs?: number): Promise<void>;
}

export { DEV_MODE_WARNING } from './dev-mode.js';

/** Starts jitsudod; throws AppError VALIDATION for an unsafe or invalid configuration. */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const { config } = opts;
  // Where start-up time goes (bench/startup.ts reads it from the listening line): `entry` is the
  // time since the process started, i.e. module loading and config; the rest are this function's phases.
  const startup = phaseClock();
  assertSafeListenAddress(config);
  assertProductionSafe(config);
  const addr = parseListenAddress(config.http.addr);
  await assertAddressFree(addr);
  const dev = config.auth.mode === 'dev';
  const log = opts.log ?? createLogger(config.log.level);
  if (dev) log.warn({ auth_mode: 'dev' }, DEV_MODE_WARNING);
  // Fail before opening anything when the auth mode cannot work: for OIDC that means the issuer
  // answers discovery with its own name and serves a JWKS (a message naming auth.oidc.issuer).
  if (!dev) await createAuthenticator({ config, keys: { tokenKey: new Uint8Array(32) } }).ready?.();

  // Independent start-up work runs side by side: opening PGlite compiles WebAssembly.
  const [opened, providers] = await Promise.all([
    openDatabase(config).then(async (o) => {
      startup.mark('database_open');
      try {
        await migrate(o.db);
        startup.mark('migrate');
        return o;
      } catch (e) {
        await o.close();
        throw e;
      }
    }),
    loadProviders(config.providers),
  ]);
  startup.mark('database_and_providers');
  let core: Core;
  let policies: PolicyStore;
  let metrics: Metrics | undefined;
  // Set when shutdown begins: /readyz fails from then on (ADR 0053).
  let shuttingDown = false;
  try {
    metrics = config.metrics.enabled
      ? createMetrics({
          db: opened.db,
          driver: opened.driver,
          now: () => new Date(),
          refreshSeconds: config.metrics.refresh_seconds,
          pool: { applicationName: opened.applicationName, size: opened.poolSize },
          processMetrics: true,
          bearerToken: metricsBearerToken(config),
        })
      : undefined;
    // The store seeds itself from policy.dir (default policies/) the first time, then serves the
    // stored set and follows other replicas' changes every policy.reload_interval_seconds.
    const keys = loadOrCreateKeys(config);
    // The store seeds policies with audit rows: the key that MACs them must be bound first.
    bindAuditMacKey(opened.db, keys.auditMacKeys[0]!);
    policies = await createPolicyStore({ db: opened.db, config, log });
    startup.mark('policies');
    core = await createCore({
      config,
      log,
      keys,
      db: opened,
      providers,
      policies,
      // The checkpointer signs the audit head each minute so tail truncation is detectable.
      // The outbox worker delivers notifications (ADR 0046).
      background: [sweeperBackground(), (deps) => auditCheckpointer(deps), notifyBackground()],
      ...(metrics ? { observer: metrics.core } : {}),
    });
    startup.mark('core');
  } catch (e) {
    await closeProviders(providers, log);
    await opened.close();
    throw e;
  }
  let server: ServerType | undefined;
  let metricsServer: ServerType | undefined;
  const tls = config.tls.cert_file !== undefined;
  try {
    const app = coreApp(core, log, {
      closing: () => shuttingDown,
      // With metrics.addr, /metrics is only on its own listener; otherwise on this one.
      ...(metrics
        ? { metrics: { http: metrics.http, ...(config.metrics.addr ? {} : { endpoint: metrics.endpoint }) } }
        : {}),
    });
    server = await listen(app.fetch, addr.host, addr.port, tls ? config.tls : undefined);
    if (metrics && config.metrics.addr) {
      const m = parseListenAddress(config.metrics.addr);
      metricsServer = await listen(metricsApp(metrics.endpoint).fetch, m.host, m.port);
    }
  } catch (e) {
    if (metricsServer) await drain(metricsServer, 0);
    if (server) await drain(server, 0);
    await core.close();
    await closeProviders(providers, log);
    await opened.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const host = addr.host.includes(':') ? `[${addr.host}]` : addr.host === '0.0.0.0' ? '127.0.0.1' : addr.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  const metricsUrl = metricsServer ? baseUrl(metricsServer, 'http') : undefined;
  if (metricsUrl) log.info({ url: `${metricsUrl}/metrics` }, 'metrics listening');
  const stopReload = tls ? reloadOnChange(server as unknown as TlsServer, config.tls, log) : () => {};
  if (tls) logRefusedHandshakes(server as unknown as TlsServer, log);
  if (!tls && config.http.behind_tls_proxy)
    onlyTrustedProxies(server as unknown as import('node:net').Server, config.http.trusted_proxies, log);
  core.start();
  policies.start();
  startup.mark('listen');
  log.info(
    { url, driver: core.deps.driver, providers: core.deps.providers.names(), startup_ms: startup.phases },
    'jitsudod listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    ...(metricsUrl ? { metricsUrl } : {}),
    core,
    close(graceMs = config.http.shutdown_timeout_seconds * 1000) {
      closing ??= (async () => {
        shuttingDown = true;
        stopReload();
        // Side by side, each bounded by graceMs: requests in flight finish while the sweeper and the
        // outbox worker stop and hand back the leases of work they could not finish (ADR 0053).
        await Promise.all([drain(server!, graceMs), core.stop()]);
        policies.stop();
        await core.close();
        if (metricsServer) await drain(metricsServer, 0);
        // After core.close(): the sweeper has stopped, so no provider call is still in flight.
        await closeProviders(providers, log);
        await opened.close();
        log.info('jitsudod stopped');
      })();
      return closing;
    },
  };
}

/** Milliseconds per start-up phase; `entry` is what elapsed in this process before startServer. */
function phaseClock(): { phases: Record<string, number>; mark(name: string): void } {
  const phases: Record<string, number> = { entry: Math.round(performance.now()) };
  let last = performance.now();
  return {
    phases,
    mark(name) {
      const now = performance.now();
      phases[name] = Math.round(now - last);
      last = now;
    },
  };
}

function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
  tls?: Readonly<Config['tls']>,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const options = tls ? { createServer: createHttpsServer, serverOptions: httpsServerOptions(tls) } : {};
    const server = serve({ fetch, hostname, port, ...options }, () => resolve(server));
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? addressInUse(hostname, port) : e),
    );
  });
}

/** Stops accepting, lets requests in flight finish, then cuts what is left after `graceMs`. */
function drain(server: ServerType, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const s = server as import('node:http').Server;
    const timer = setTimeout(() => s.closeAllConnections?.(), graceMs);
    s.close(() => {
      clearTimeout(timer);
      resolve();
    });
    s.closeIdleConnections?.();
  });
}

/** The URL of a listener (the real port when the config said :0). */
function baseUrl(server: ServerType, scheme: string): string {
  const a = server.address() as AddressInfo;
  const host = a.address.includes(':') ? `[${a.address}]` : a.address === '0.0.0.0' ? '127.0.0.1' : a.address;
  return `${scheme}://${host}:${a.port}`;
}
