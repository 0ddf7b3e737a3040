/**
 * Fault tests shared by the cloud providers: the target answers 5xx, throttles, hangs or drops the
 * connection during grant and during revoke. Outcomes must be defined (ProviderError with the right
 * `retryable`), retries bounded (counted at the fake), and a revoke that did not take effect must
 * throw a retryable error rather than report success.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GrantRef, GrantRequest, Provider } from '../../../src/core/providers/types.js';
import { ProviderError } from '../../../src/core/providers/types.js';
import type { Fault, HttpFake } from '../../fakes/http-fake.js';

export interface FaultTarget {
  name: string;
  http: HttpFake;
  /** The fake op that writes the grant / the revocation. */
  grantOp: string;
  revokeOp: string;
  /** What the target answers when it throttles (protocol-specific body). */
  throttle: Fault;
  /** A 4xx the target uses for "you may not" on the grant op. */
  forbidden: Fault;
  /** retry.attempts and timeout_ms the provider is built with. */
  attempts: number;
  timeoutMs: number;
  provider: () => Provider;
  request: () => GrantRequest;
  /** The fake's own truth: does the target still honour this grant? */
  grantedInTarget: (ref: GrantRef) => boolean;
}

const refOf = (request: GrantRequest, g: { handle: Record<string, unknown>; expiresAt: Date }): GrantRef => ({
  request,
  handle: g.handle,
  expiresAt: g.expiresAt,
});

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProviderError);
  return e as ProviderError;
}

/** Defines the fault tests for one provider. */
export function runFaultSuite(t: FaultTarget): void {
  describe(`${t.name} under faults`, () => {
    afterEach(() => t.http.clearFaults());
    const server500: Fault = {
      kind: 'status',
      status: 500,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    };

    it('grant: two 500s then success → granted after exactly three tries', async () => {
      t.http.inject(t.grantOp, server500, 2);
      const before = t.http.count(t.grantOp);
      const req = t.request();
      const g = await t.provider().grant(req);
      expect(t.http.count(t.grantOp) - before).toBe(3);
      expect(t.grantedInTarget(refOf(req, g))).toBe(true);
    });

    it('grant: 500 on every try → retryable ProviderError after `attempts` tries, nothing more', async () => {
      t.http.inject(t.grantOp, server500, 100);
      const before = t.http.count(t.grantOp);
      const e = await failure(t.provider().grant(t.request()));
      expect(e.retryable).toBe(true);
      expect(e.provider).toBe(t.name.split(' ')[0]);
      expect(t.http.count(t.grantOp) - before).toBe(t.attempts);
    });

    it('grant: throttled once → retried and granted', async () => {
      t.http.inject(t.grantOp, t.throttle, 1);
      const req = t.request();
      const g = await t.provider().grant(req);
      expect(t.grantedInTarget(refOf(req, g))).toBe(true);
    });

    it('grant: target hangs → retryable ProviderError within the bounded time', async () => {
      t.http.inject(t.grantOp, { kind: 'hang' }, 100);
      const started = Date.now();
      const e = await failure(t.provider().grant(t.request()));
      expect(e.retryable).toBe(true);
      expect(Date.now() - started).toBeLessThan(t.attempts * t.timeoutMs * 2 + 2_000);
    });

    it('grant: connection dropped → retryable ProviderError', async () => {
      t.http.inject(t.grantOp, { kind: 'reset' }, 100);
      const e = await failure(t.provider().grant(t.request()));
      expect(e.retryable).toBe(true);
    });

    it('grant: forbidden → permanent ProviderError after one try', async () => {
      t.http.inject(t.grantOp, t.forbidden, 100);
      const before = t.http.count(t.grantOp);
      const e = await failure(t.provider().grant(t.request()));
      expect(e.retryable).toBe(false);
      expect(t.http.count(t.grantOp) - before).toBe(1);
    });

    for (const [label, fault] of [
      ['500 on every try', server500],
      ['a hang', { kind: 'hang' } as Fault],
      ['a dropped connection', { kind: 'reset' } as Fault],
    ] as const) {
      it(`revoke: ${label} → retryable ProviderError and the grant is still in force, then a later revoke works`, async () => {
        const p = t.provider();
        const req = t.request();
        const ref = refOf(req, await p.grant(req));
        t.http.inject(t.revokeOp, fault, 100);
        const before = t.http.count(t.revokeOp);
        const e = await failure(p.revoke(ref));
        expect(e.retryable).toBe(true);
        expect(t.http.count(t.revokeOp) - before).toBe(t.attempts);
        expect(t.grantedInTarget(ref)).toBe(true);
        t.http.clearFaults();
        await p.revoke(ref);
        expect(t.grantedInTarget(ref)).toBe(false);
      });
    }

    it('revoke: throttled once → retried and revoked', async () => {
      const p = t.provider();
      const req = t.request();
      const ref = refOf(req, await p.grant(req));
      t.http.inject(t.revokeOp, t.throttle, 1);
      await p.revoke(ref);
      expect(t.grantedInTarget(ref)).toBe(false);
    });
  });
}
