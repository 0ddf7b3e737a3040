/**
 * createJitsudo: jitsudo as a library. The same composition as `jitsudod serve` (core + sweeper +
 * HTTP API + /mcp) minus the listening socket, so a host application mounts the app wherever it
 * likes: `host.route('/jitsudo', j.app)`. Every route of the app is relative; /openapi.json names
 * the prefix it was reached under as its server URL, so generated clients work behind the mount.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { type Config, type ConfigInput, parseConfig } from '../core/config.js';
import { type Core, createCore } from '../core/create-core.js';
import type { ServerKeys } from '../core/crypto/secrets.js';
import type { Database, Driver } from '../core/db/client.js';
import type { PolicyHolder } from '../core/deps.js';
import type { PolicySet } from '../core/policy/types.js';
import type { ProviderRegistry } from '../core/providers/registry.js';
import type { Provider } from '../core/providers/types.js';
import { coreApp } from '../server/core-app.js';
import { createLogger } from '../server/logger.js';
import { filePolicyHolder } from '../server/policy-holder.js';
import { closeProviders, loadProviders } from '../server/providers.js';
import { sweeperBackground } from '../sweeper/index.js';

export interface CreateJitsudoOptions {
  /** A config object (validated here, defaults filled in) — the same keys as jitsudo.yaml. */
  config: ConfigInput | Readonly<Config>;
  /**
   * An open database handle. Migrations are applied to it. Absent: jitsudo opens the configured one
   * (`database.url`, else PGlite in `<home>/data`) and closes it on close().
   */
  database?: { db: Database; driver: Driver };
  /** Provider instances (the caller closes them); default: built from `config.providers` and closed by close(). */
  providers?: readonly Provider[] | ProviderRegistry;
  /** A policy set or a live holder; default: the `.rego` files of `config.policy.dir` (else policies/). */
  policies?: PolicySet | PolicyHolder;
  /**
   * Where the host mounts the app (e.g. `/jitsudo`), for the OpenAPI `servers` entry. Default:
   * derived from the path /openapi.json was requested under.
   */
  basePath?: string;
  keys?: ServerKeys;
  log?: Logger;
  /** Start the sweeper (expiry, retries, escalation) at once; default true. Grants only expire while it runs. */
  startSweeper?: boolean;
}

export interface Jitsudo {
  /** The HTTP API, /openapi.json, health probes and /mcp, on routes relative to the mount point. */
  app: OpenAPIHono<any>;
  /** The core verbs (`core.createRequest(actor, input)` …), the same ones every surface calls. */
  core: Core;
  sweeper: { start(): void; stop(): Promise<void> };
  /** Stops the sweeper; closes the providers it built and the database if jitsudo opened it. Idempotent. */
  close(): Promise<void>;
}

const OPENAPI_PATH = '/openapi.json';

/** Builds an embeddable jitsudo; invariant: the app, the verbs and the sweeper share one core. */
export async function createJitsudo(opts: CreateJitsudoOptions): Promise<Jitsudo> {
  const config = parseConfig(opts.config);
  const log = opts.log ?? createLogger(config.log.level);
  // Providers built here are closed here; ones the caller passed in stay the caller's.
  const built = opts.providers ? [] : await loadProviders(config.providers);
  let core: Core;
  try {
    core = await createCore({
      config,
      log,
      db: opts.database,
      migrate: opts.database !== undefined,
      providers: opts.providers ?? built,
      policies: opts.policies ?? filePolicyHolder(config, log),
      keys: opts.keys,
      background: [sweeperBackground()],
    });
  } catch (e) {
    await closeProviders(built, log);
    throw e;
  }
  const inner = coreApp(core, log);
  const app = new OpenAPIHono<any>();
  // Registered before the inner app, so it answers first: the document with its mount point.
  app.get(OPENAPI_PATH, async (c) => {
    const doc = (await (await inner.request(OPENAPI_PATH)).json()) as Record<string, unknown>;
    const base = opts.basePath ?? c.req.path.slice(0, -OPENAPI_PATH.length);
    return c.json(base ? { ...doc, servers: [{ url: base.replace(/\/+$/, '') }] } : doc);
  });
  app.route('/', inner);
  if (opts.startSweeper !== false) core.start();
  let closing: Promise<void> | undefined;
  return {
    app,
    core,
    sweeper: { start: () => core.start(), stop: () => core.stop() },
    close: () =>
      (closing ??= (async () => {
        await core.close();
        await closeProviders(built, log);
      })()),
  };
}
