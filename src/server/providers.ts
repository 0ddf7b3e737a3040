/**
 * Builds the configured providers, importing cloud SDKs only when a cloud provider is configured:
 * the embedded default (mock only) then starts without loading the AWS, Azure and GCP SDKs.
 */
import type { Logger } from 'pino';
import type { Config } from '../core/config.js';
import type { Provider } from '../core/providers/types.js';

export async function loadProviders(sections: Config['providers']): Promise<Provider[]> {
  const names = Object.keys(sections);
  if (names.every((n) => n === 'mock')) {
    const { createMockProvider } = await import('../providers/mock/index.js');
    return names.map((n) => createMockProvider(sections[n]));
  }
  const { createProviders } = await import('../providers/index.js');
  return createProviders(sections);
}

/**
 * Closes every provider that holds something open (the PostgreSQL provider's pools); invariant: a
 * failing close is logged and the others still close, so shutdown always completes.
 */
export async function closeProviders(providers: readonly Provider[], log: Logger): Promise<void> {
  await Promise.all(
    providers.map(async (p) => {
      try {
        await p.close?.();
      } catch (e) {
        log.warn(
          { provider: p.name, error: e instanceof Error ? e.message : String(e) },
          'provider close failed',
        );
      }
    }),
  );
}
