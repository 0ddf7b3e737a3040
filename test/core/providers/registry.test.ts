import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { ProviderRegistry } from '../../../src/core/providers/registry.js';
import { MockProvider } from '../../../src/providers/mock/index.js';

describe('ProviderRegistry', () => {
  it('resolves registered providers and lists them sorted', () => {
    const r = new ProviderRegistry([new MockProvider({ name: 'mock' }), new MockProvider({ name: 'aws' })]);
    expect(r.get('mock').name).toBe('mock');
    expect(r.names()).toEqual(['aws', 'mock']);
    expect(r.has('gcp')).toBe(false);
    expect(r.find('gcp')).toBeUndefined();
  });

  it('refuses an unknown provider with a VALIDATION error naming what is configured', () => {
    const r = new ProviderRegistry([new MockProvider()]);
    let err: unknown;
    try {
      r.get('nope');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION');
    expect((err as AppError).message).toBe('unknown provider "nope"; configured: mock');
  });

  it('refuses duplicates and bad names', () => {
    const r = new ProviderRegistry([new MockProvider()]);
    expect(() => r.register(new MockProvider())).toThrow(/twice/);
    expect(() => r.register(new MockProvider({ name: 'Bad Name' }))).toThrow(/lowercase/);
  });
});
