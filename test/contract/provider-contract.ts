/**
 * The contract every provider must pass. A provider's test file calls `runProviderContract` with a
 * factory for the provider (usually pointed at a local fake of the target) and a factory for valid
 * requests; the suite then checks what core relies on: validation, idempotent grant and revoke,
 * isActive tracking, credential shape, expiry bounds, storable handles and ProviderError semantics.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import type { GrantRef, GrantRequest, GrantResult, Provider } from '../../src/core/providers/types.js';
import { ProviderError } from '../../src/core/providers/types.js';

type Awaitable<T> = T | Promise<T>;

export interface ProviderContractOptions {
  /** Provider-specific invalid requests validate() must reject (in addition to the generic ones). */
  invalid?: Array<{ name: string; change: Partial<GrantRequest> }>;
  /**
   * Providers whose next grant fails: `retryable` as a throttled/5xx target would, `permanent` as a
   * target rejecting the request (403, bad role). Each factory returns a fresh provider.
   */
  failing: {
    retryable: () => Awaitable<Provider>;
    permanent: () => Awaitable<Provider>;
  };
  /** Slack allowed between the provider's clock and the test's, in ms (default 5 s). */
  clockSkewMs?: number;
  /** Runs once after the suite (stop fakes). */
  teardown?: () => Awaitable<void>;
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Defines the provider contract tests for `name` in the calling test file. */
export function runProviderContract(
  name: string,
  makeProvider: () => Awaitable<Provider>,
  makeRequest: (overrides?: Partial<GrantRequest>) => GrantRequest,
  opts: ProviderContractOptions,
): void {
  const skew = opts.clockSkewMs ?? 5_000;
  const refOf = (req: GrantRequest, g: GrantResult): GrantRef => ({
    request: req,
    // Core stores the handle as JSON and rebuilds the ref from it: the provider must cope.
    handle: JSON.parse(JSON.stringify(g.handle)),
    expiresAt: new Date(g.expiresAt.getTime()),
  });

  describe(`provider contract: ${name}`, () => {
    afterAll(async () => {
      await opts.teardown?.();
    });

    it('has a stable, lowercase, URL-safe name', async () => {
      const a = await makeProvider();
      const b = await makeProvider();
      expect(a.name).toBe(name);
      expect(b.name).toBe(a.name);
      expect(a.name).toMatch(/^[a-z][a-z0-9-]*$/);
    });

    it('validate accepts a valid request', async () => {
      const p = await makeProvider();
      expect(() => p.validate(makeRequest())).not.toThrow();
    });

    const generic: Array<{ name: string; change: Partial<GrantRequest> }> = [
      { name: 'empty role', change: { role: '' } },
      { name: 'whitespace role', change: { role: '   ' } },
      { name: 'empty scope', change: { scope: '' } },
      { name: 'zero duration', change: { durationSeconds: 0 } },
      { name: 'negative duration', change: { durationSeconds: -60 } },
      { name: 'fractional duration', change: { durationSeconds: 1.5 } },
      { name: 'NaN duration', change: { durationSeconds: Number.NaN } },
      { name: 'empty request id', change: { requestId: '' } },
    ];
    for (const bad of [...generic, ...(opts.invalid ?? [])]) {
      it(`validate rejects ${bad.name} with AppError VALIDATION`, async () => {
        const p = await makeProvider();
        let err: unknown;
        try {
          p.validate(makeRequest(bad.change));
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe('VALIDATION');
        expect((err as AppError).message.length).toBeGreaterThan(0);
      });
    }

    it('validate rejects a request without a principal identity', async () => {
      const p = await makeProvider();
      const req = makeRequest();
      expect(() => p.validate({ ...req, principal: { ...req.principal, identity: '' } })).toThrow(AppError);
    });

    it('grant issues env-var credentials, a storable handle and a bounded expiry; isActive is true', async () => {
      const p = await makeProvider();
      const req = makeRequest();
      const before = Date.now();
      const g = await p.grant(req);
      expect(g.expiresAt).toBeInstanceOf(Date);
      expect(g.expiresAt.getTime()).toBeGreaterThan(before - skew);
      expect(g.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + req.durationSeconds * 1000 + skew);
      const names = Object.keys(g.credentials);
      expect(names.length).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(g.credentials)) {
        expect(k).toMatch(ENV_NAME);
        expect(typeof v).toBe('string');
        expect(v.length).toBeGreaterThan(0);
      }
      // The handle is stored in plaintext: it must be JSON and hold no credential value.
      const handleJson = JSON.stringify(g.handle);
      expect(JSON.parse(handleJson)).toEqual(g.handle);
      for (const v of Object.values(g.credentials)) if (v.length >= 8) expect(handleJson).not.toContain(v);
      expect(await p.isActive(refOf(req, g))).toBe(true);
    });

    it('grant is idempotent for the same request id', async () => {
      const p = await makeProvider();
      const req = makeRequest();
      const a = await p.grant(req);
      const b = await p.grant(req);
      expect(b.handle).toEqual(a.handle);
      expect(Math.abs(b.expiresAt.getTime() - a.expiresAt.getTime())).toBeLessThanOrEqual(skew);
      expect(await p.isActive(refOf(req, b))).toBe(true);
      // One revoke takes back the one grant both calls produced.
      await p.revoke(refOf(req, a));
      expect(await p.isActive(refOf(req, b))).toBe(false);
    });

    it('revoke makes isActive false and is idempotent', async () => {
      const p = await makeProvider();
      const req = makeRequest();
      const ref = refOf(req, await p.grant(req));
      await p.revoke(ref);
      expect(await p.isActive(ref)).toBe(false);
      await expect(p.revoke(ref)).resolves.toBeUndefined();
      expect(await p.isActive(ref)).toBe(false);
    });

    it('revoke of a grant that was never issued succeeds', async () => {
      const p = await makeProvider();
      const req = makeRequest();
      // Core may revoke a request whose grant never happened (crash between intent and grant).
      const ref: GrantRef = { request: req, handle: {}, expiresAt: new Date(Date.now() + 60_000) };
      await expect(p.revoke(ref)).resolves.toBeUndefined();
      expect(await p.isActive(ref)).toBe(false);
    });

    it('grants for different requests are independent', async () => {
      const p = await makeProvider();
      const r1 = makeRequest();
      const r2 = makeRequest();
      expect(r2.requestId).not.toBe(r1.requestId);
      const g1 = await p.grant(r1);
      const g2 = await p.grant(r2);
      await p.revoke(refOf(r1, g1));
      expect(await p.isActive(refOf(r1, g1))).toBe(false);
      expect(await p.isActive(refOf(r2, g2))).toBe(true);
      await p.revoke(refOf(r2, g2));
    });

    it('cleanup, when offered, is safe after revoke and idempotent', async () => {
      const p = await makeProvider();
      const req = makeRequest();
      const ref = refOf(req, await p.grant(req));
      await p.revoke(ref);
      if (!p.cleanup) {
        expect(p.cleanup).toBeUndefined();
        return;
      }
      await expect(p.cleanup(ref)).resolves.toBeUndefined();
      await expect(p.cleanup(ref)).resolves.toBeUndefined();
    });

    it('grant of an invalid request is refused without issuing anything', async () => {
      const p = await makeProvider();
      const req = makeRequest({ durationSeconds: 0 });
      const err = await p.grant(req).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err instanceof ProviderError || (err instanceof AppError && err.code === 'VALIDATION')).toBe(
        true,
      );
      if (err instanceof ProviderError) expect(err.retryable).toBe(false);
    });

    for (const kind of ['retryable', 'permanent'] as const) {
      it(`a ${kind} target failure surfaces as ProviderError with retryable=${kind === 'retryable'}`, async () => {
        const p = await opts.failing[kind]();
        const req = makeRequest();
        const err = await p.grant(req).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ProviderError);
        expect((err as ProviderError).provider).toBe(name);
        expect((err as ProviderError).retryable).toBe(kind === 'retryable');
        expect((err as ProviderError).message.length).toBeGreaterThan(0);
      });
    }
  });
}
