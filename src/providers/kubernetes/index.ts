import type { Provider } from '../../core/providers/types.js';
import type { ProviderDeps } from '../shared/deps.js';
import { parseSection } from '../shared/section.js';
import { createClusterClients } from './clusters.js';
import { KubernetesSection } from './config.js';
import { createKubernetesProvider as build } from './provider.js';

/** Builds the `kubernetes` provider from `providers.kubernetes`; throws AppError VALIDATION naming a bad key. */
export function createKubernetesProvider(section: unknown, deps: ProviderDeps = {}): Provider {
  const cfg = parseSection('kubernetes', KubernetesSection, section);
  return build(cfg, createClusterClients(cfg), deps);
}

export { KubernetesSection } from './config.js';
export { bindingNameFor, serviceAccountNameFor } from './target.js';
