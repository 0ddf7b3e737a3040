/**
 * The built-in provider factories by config name. The server builds one provider per configured
 * `providers.<name>` section: `createProviders(config.providers, deps)` → register each in core's
 * ProviderRegistry. A bad section fails start-up with AppError VALIDATION naming the key.
 */
import { AppError } from '../core/errors.js';
import type { Provider } from '../core/providers/types.js';
import { createAwsProvider } from './aws/index.js';
import { createAzureProvider } from './azure/index.js';
import { createGcpProvider } from './gcp/index.js';
import { createKubernetesProvider } from './kubernetes/index.js';
import { createMockProvider } from './mock/index.js';
import { createPostgresProvider } from './postgres/index.js';
import type { ProviderDeps } from './shared/deps.js';

export type { ProviderDeps } from './shared/deps.js';

export type ProviderFactory = (section: Record<string, unknown>, deps: ProviderDeps) => Provider;

export const builtinProviderFactories: Readonly<Record<string, ProviderFactory>> = Object.freeze({
  mock: (section, deps) => createMockProvider(section, deps.now ? { now: deps.now } : {}),
  aws: (section, deps) => createAwsProvider(section, deps),
  azure: (section, deps) => createAzureProvider(section, deps),
  gcp: (section, deps) => createGcpProvider(section, deps),
  kubernetes: (section, deps) => createKubernetesProvider(section, deps),
  postgres: (section, deps) => createPostgresProvider(section, deps),
});

/** Builds the provider configured under `providers.<name>`; unknown names are a config error. */
export function createProvider(
  name: string,
  section: Record<string, unknown>,
  deps: ProviderDeps = {},
): Provider {
  const factory = builtinProviderFactories[name];
  if (!factory)
    throw new AppError(
      'VALIDATION',
      `invalid config key providers.${name}: unknown provider; built in: ${Object.keys(builtinProviderFactories).join(', ')}`,
    );
  return factory(section, deps);
}

/** One provider per configured section, in config order. */
export function createProviders(
  sections: Readonly<Record<string, Record<string, unknown>>>,
  deps: ProviderDeps = {},
): Provider[] {
  return Object.entries(sections).map(([name, section]) => createProvider(name, section, deps));
}
