import type { Provider } from '../../core/providers/types.js';
import type { ProviderDeps } from '../shared/deps.js';
import { parseSection } from '../shared/section.js';
import { createArmClient } from './client.js';
import { AzureSection } from './config.js';
import { createClientCredential } from './credential.js';
import { createAzureProvider as build } from './provider.js';

/** Builds the `azure` provider from `providers.azure`; throws AppError VALIDATION naming a bad key. */
export function createAzureProvider(section: unknown, deps: ProviderDeps = {}): Provider {
  const cfg = parseSection('azure', AzureSection, section);
  const credential = createClientCredential(cfg);
  return build(cfg, createArmClient(cfg, credential), credential, deps);
}

export { AzureSection } from './config.js';
export { assignmentNameFor, parseScope } from './scope.js';
