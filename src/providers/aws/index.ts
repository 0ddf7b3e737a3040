import type { Provider } from '../../core/providers/types.js';
import type { ProviderDeps } from '../shared/deps.js';
import { parseSection } from '../shared/section.js';
import { createAwsClients } from './clients.js';
import { AwsSection } from './config.js';
import { createIdentityCenterProvider } from './identity-center-provider.js';
import { createStsProvider } from './sts-provider.js';

/** Builds the `aws` provider from `providers.aws`; throws AppError VALIDATION naming a bad key. */
export function createAwsProvider(section: unknown, deps: ProviderDeps = {}): Provider {
  const cfg = parseSection('aws', AwsSection, section);
  const clients = createAwsClients(cfg);
  return cfg.mode === 'identity_center'
    ? createIdentityCenterProvider(cfg, clients, deps)
    : createStsProvider(cfg, clients, deps);
}

export { AwsSection } from './config.js';
