import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import type { GrantRequest } from '../../src/core/providers/types.js';
import { ProviderError } from '../../src/core/providers/types.js';
import { createMockProvider, MockProvider } from '../../src/providers/mock/index.js';

const req = (id: string, overrides: Partial<GrantRequest> = {}): GrantRequest => ({
  requestId: id,
  principal: { identity: 'alice@example.com', kind: 'human', groups: [] },
  role: 'admin',
  scope: 'dev',
  durationSeconds: 600,
  reason: 'r',
  metadata: {},
  ...overrides,
});
const ref = (r: GrantRequest) => ({ request: r, handle: {}, expiresAt: new Date() });

describe('mock provider', () => {
  it('issues deterministic credentials derived from the request id', async () => {
    const g = await new MockProvider().grant(req('req_A'));
    expect(g.credentials).toEqual({
      MOCK_ACCESS_KEY: 'mock-access-key-req_A',
      MOCK_SESSION_TOKEN: 'mock-session-token-req_A',
    });
    expect(g.handle).toEqual({ revoke_token: 'mock-revoke-token-req_A' });
  });

  it('clamps the expiry to its maximum duration', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const p = new MockProvider({ now: () => now, maxDurationSeconds: 900 });
    const g = await p.grant(req('req_B', { durationSeconds: 7200 }));
    expect(g.expiresAt.toISOString()).toBe('2030-01-01T00:15:00.000Z');
  });

  it('fails exactly the next N calls of an operation, with the requested retryability', async () => {
    const p = new MockProvider();
    p.failNext('grant', 2, { retryable: false });
    for (let i = 0; i < 2; i++) {
      const e = await p.grant(req('req_C')).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ProviderError);
      expect((e as ProviderError).retryable).toBe(false);
    }
    await expect(p.grant(req('req_C'))).resolves.toBeDefined();
    expect(p.calls.grant).toBe(3);
    p.failNext('revoke', 1);
    const e = await p.revoke(ref(req('req_C'))).catch((x: unknown) => x);
    expect((e as ProviderError).retryable).toBe(true);
    expect(p.holds('req_C')).toBe(true);
    await p.revoke(ref(req('req_C')));
    expect(p.holds('req_C')).toBe(false);
  });

  it('adds latency to every call', async () => {
    const p = new MockProvider({ latencyMs: 30 });
    const t = performance.now();
    await p.grant(req('req_D'));
    expect(performance.now() - t).toBeGreaterThanOrEqual(25);
  });

  it('reports a grant removed out of band as inactive, and an expired one as inactive', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const p = new MockProvider({ now: () => now });
    const r = req('req_E');
    await p.grant(r);
    expect(await p.isActive(ref(r))).toBe(true);
    now = new Date('2030-01-01T00:10:01Z');
    expect(await p.isActive(ref(r))).toBe(false);
    // Expired but still held until cleanup, like a lingering cloud binding.
    expect(p.holds('req_E')).toBe(true);
    await p.cleanup(ref(r));
    expect(p.holds('req_E')).toBe(false);
    await p.grant(req('req_F'));
    expect(p.removeOutOfBand('req_F')).toBe(true);
    expect(await p.isActive(ref(req('req_F')))).toBe(false);
  });

  it('restricts roles when configured and validates its config section', async () => {
    const p = createMockProvider({ roles: ['read'], fail_grants: 1, fail_retryable: false });
    expect(() => p.validate(req('req_G', { role: 'admin' }))).toThrow(/not offered/);
    const e = await p.grant(req('req_G', { role: 'read' })).catch((x: unknown) => x);
    expect((e as ProviderError).retryable).toBe(false);
    await expect(p.grant(req('req_G', { role: 'read' }))).resolves.toBeDefined();
    expect(() => createMockProvider({ latency_ms: -1 })).toThrow(AppError);
    expect(() => createMockProvider({ bogus: 1 })).toThrow(/providers\.mock/);
  });
});
