import type { Provider } from '../../core/providers/types.js';
import type { ProviderDeps } from '../shared/deps.js';
import { parseSection } from '../shared/section.js';
import { createGcpClients } from './clients.js';
import { GcpSection } from './config.js';
import { createGcpProvider as build } from './provider.js';

/** Builds the `gcp` provider from `providers.gcp`; throws AppError VALIDATION naming a bad key. */
export function createGcpProvider(section: unknown, deps: ProviderDeps = {}): Provider {
  const cfg = parseSection('gcp', GcpSection, section);
  return build(cfg, createGcpClients(cfg), deps);
}

export { GcpSection } from './config.js';
export { expiryExpression } from './request.js';
