import type { ProviderDeps } from '../shared/deps.js';
import { parseSection } from '../shared/section.js';
import { PostgresSection } from './config.js';
import { createConnections } from './connections.js';
import { createPostgresProvider as build, type PostgresProvider } from './provider.js';

/** Builds the `postgres` provider from `providers.postgres`; throws AppError VALIDATION naming a bad key. */
export function createPostgresProvider(section: unknown, deps: ProviderDeps = {}): PostgresProvider {
  const cfg = parseSection('postgres', PostgresSection, section);
  return build(cfg, createConnections(cfg), deps);
}

export { PostgresSection } from './config.js';
export type { PostgresProvider } from './provider.js';
export { scramVerifier } from './scram.js';
