/**
 * Providers by name. Core resolves `request.provider` here; a provider that is not configured is
 * simply absent (the mock included), so an unknown name is a validation error, not a crash.
 */
import { AppError } from '../errors.js';
import type { Provider } from './types.js';

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

export class ProviderRegistry {
  readonly #byName = new Map<string, Provider>();

  constructor(providers: Iterable<Provider> = []) {
    for (const p of providers) this.register(p);
  }

  /** Adds a provider; a second provider with the same name is a programming error. */
  register(provider: Provider): this {
    if (!NAME.test(provider.name))
      throw new AppError('INTERNAL', `provider name "${provider.name}" must be lowercase and URL-safe`);
    if (this.#byName.has(provider.name))
      throw new AppError('INTERNAL', `provider "${provider.name}" is registered twice`);
    this.#byName.set(provider.name, provider);
    return this;
  }

  /** The provider, or AppError VALIDATION listing what is configured. */
  get(name: string): Provider {
    const p = this.#byName.get(name);
    if (p) return p;
    const known = this.names();
    throw new AppError(
      'VALIDATION',
      `unknown provider "${String(name).slice(0, 64)}"; configured: ${known.length ? known.join(', ') : 'none'}`,
      { details: { field: 'provider', configured: known } },
    );
  }

  /** The provider or undefined (the sweeper must cope with a provider removed from config). */
  find(name: string): Provider | undefined {
    return this.#byName.get(name);
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  names(): string[] {
    return [...this.#byName.keys()].sort();
  }

  list(): Provider[] {
    return this.names().map((n) => this.#byName.get(n)!);
  }
}
