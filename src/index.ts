/**
 * The `jitsudo` package: embed the broker in your own service (`createJitsudo`) — the typed HTTP
 * client is the separate entry `jitsudo/client`. Shipped as JavaScript built by tsc into dist/, with
 * declarations (docs/adr/0051-package-built-to-dist.md).
 */
export type { Actor } from './core/actor.js';
export { type Config, type ConfigInput, loadConfig, parseConfig } from './core/config.js';
export type { Core } from './core/create-core.js';
export type { Database, Driver } from './core/db/client.js';
export { openDatabase, openPostgres, wrapPglite } from './core/db/client.js';
export { AppError, isAppError } from './core/errors.js';
export type { PolicySet } from './core/policy/types.js';
export type { Provider } from './core/providers/types.js';
export { type CreateJitsudoOptions, createJitsudo, type Jitsudo } from './embed/create-jitsudo.js';
export { MockProvider } from './providers/mock/index.js';
