/**
 * The `mock` provider: issues fake, deterministic credentials and keeps its grants in memory per
 * instance. It behaves like a real provider where core can tell the difference (validation,
 * idempotency, expiry, out-of-band drift) and can be told to fail, so every retry path of the
 * broker can be exercised without a cloud.
 */
import { AppError } from '../../core/errors.js';
import type {
  ExtendResult,
  GrantRef,
  GrantRequest,
  GrantResult,
  Provider,
  RevokeOutcome,
} from '../../core/providers/types.js';
import { ProviderError } from '../../core/providers/types.js';

export type MockOperation = 'grant' | 'revoke' | 'isActive' | 'cleanup' | 'extend';

export interface MockProviderOptions {
  /** Registry name; `mock` unless a test wants two independent mocks. */
  name?: string;
  now?: () => Date;
  /** Longest grant the mock will issue; longer requests are clamped, like AWS clamps sessions. */
  maxDurationSeconds?: number;
  /** Added to every provider call, to make concurrency and lag measurable. */
  latencyMs?: number;
  /** When set, only these roles are valid. */
  roles?: readonly string[];
}

interface MockGrant {
  request: GrantRequest;
  issuedAt: Date;
  expiresAt: Date;
  credentials: Record<string, string>;
}

interface PendingFailure {
  remaining: number;
  retryable: boolean;
  message: string;
}

// Printable, no whitespace at the ends, no control characters; what most clouds accept in names.
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9._:/@*+=,-]{0,255}$/;
const DEFAULT_MAX_DURATION = 12 * 3600;

export class MockProvider implements Provider {
  readonly name: string;
  /** How often each operation was called (including failed calls), for tests and benchmarks. */
  readonly calls: Record<MockOperation, number> = { grant: 0, revoke: 0, isActive: 0, cleanup: 0, extend: 0 };
  /** When each request id was last revoked (ms since epoch), for lag measurements. */
  readonly revokedAt = new Map<string, number>();
  readonly #grants = new Map<string, MockGrant>();
  readonly #failures = new Map<MockOperation, PendingFailure>();
  readonly #now: () => Date;
  readonly #maxDuration: number;
  #latencyMs: number;
  readonly #roles?: ReadonlySet<string>;

  constructor(opts: MockProviderOptions = {}) {
    this.name = opts.name ?? 'mock';
    this.#now = opts.now ?? (() => new Date());
    this.#maxDuration = opts.maxDurationSeconds ?? DEFAULT_MAX_DURATION;
    this.#latencyMs = opts.latencyMs ?? 0;
    if (opts.roles) this.#roles = new Set(opts.roles);
  }

  /** Makes the next `times` calls of `op` throw a ProviderError (retryable unless told otherwise). */
  failNext(op: MockOperation, times = 1, opts: { retryable?: boolean; message?: string } = {}): void {
    this.#failures.set(op, {
      remaining: times,
      retryable: opts.retryable ?? true,
      message: opts.message ?? `mock ${op} failure (injected)`,
    });
  }

  /** Stops injected failures of `op` (or of all operations). */
  clearFailures(op?: MockOperation): void {
    if (op) this.#failures.delete(op);
    else this.#failures.clear();
  }

  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  /** Simulates someone deleting the grant at the target behind jitsudo's back (drift). */
  removeOutOfBand(requestId: string): boolean {
    return this.#grants.delete(requestId);
  }

  /** Whether the mock holds a grant for the request, regardless of expiry. */
  holds(requestId: string): boolean {
    return this.#grants.has(requestId);
  }

  get grantCount(): number {
    return this.#grants.size;
  }

  validate(req: GrantRequest): void {
    const bad = (field: string, message: string): never => {
      throw new AppError('VALIDATION', `mock: ${message}`, { details: { field } });
    };
    if (!req.requestId) bad('request_id', 'request id must not be empty');
    if (!req.principal?.identity) bad('principal', 'principal identity must not be empty');
    if (typeof req.role !== 'string' || !TOKEN.test(req.role))
      bad('role', 'role must be 1–256 printable characters without spaces');
    if (this.#roles && !this.#roles.has(req.role))
      bad('role', `role "${req.role}" is not offered; available: ${[...this.#roles].join(', ')}`);
    if (typeof req.scope !== 'string' || !TOKEN.test(req.scope))
      bad('resource_scope', 'resource scope must be 1–256 printable characters without spaces');
    if (!Number.isSafeInteger(req.durationSeconds) || req.durationSeconds <= 0)
      bad('duration', 'duration must be a positive whole number of seconds');
  }

  async grant(req: GrantRequest): Promise<GrantResult> {
    await this.#enter('grant');
    try {
      this.validate(req);
    } catch (e) {
      throw new ProviderError(this.name, (e as Error).message, false, { cause: e });
    }
    let g = this.#grants.get(req.requestId);
    if (!g) {
      const issuedAt = this.#now();
      const seconds = Math.min(req.durationSeconds, this.#maxDuration);
      g = {
        request: req,
        issuedAt,
        expiresAt: new Date(issuedAt.getTime() + seconds * 1000),
        credentials: {
          MOCK_ACCESS_KEY: `mock-access-key-${req.requestId}`,
          MOCK_SESSION_TOKEN: `mock-session-token-${req.requestId}`,
        },
      };
      this.#grants.set(req.requestId, g);
    }
    return {
      expiresAt: new Date(g.expiresAt),
      credentials: { ...g.credentials },
      handle: { revoke_token: `mock-revoke-token-${req.requestId}` },
    };
  }

  // Reports nothing left; a subclass may (test/core/requests/cleanup-pending.test.ts).
  async revoke(ref: GrantRef): Promise<RevokeOutcome | undefined> {
    await this.#enter('revoke');
    this.#grants.delete(ref.request.requestId);
    this.revokedAt.set(ref.request.requestId, Date.now());
    return undefined;
  }

  /** Moves the grant's own expiry, clamped like a grant to the mock's maximum from its issue time. */
  async extend(ref: GrantRef, expiresAt: Date): Promise<ExtendResult> {
    await this.#enter('extend');
    const g = this.#grants.get(ref.request.requestId);
    if (!g || g.expiresAt.getTime() <= this.#now().getTime())
      throw new ProviderError(this.name, 'mock: the grant is no longer in force', false);
    const cap = g.issuedAt.getTime() + this.#maxDuration * 1000;
    g.expiresAt = new Date(Math.min(expiresAt.getTime(), cap));
    return { expiresAt: new Date(g.expiresAt) };
  }

  /** The grant's expiry as the mock enforces it (tests). */
  expiryOf(requestId: string): Date | undefined {
    const g = this.#grants.get(requestId);
    return g ? new Date(g.expiresAt) : undefined;
  }

  async isActive(ref: GrantRef): Promise<boolean> {
    await this.#enter('isActive');
    const g = this.#grants.get(ref.request.requestId);
    return g !== undefined && g.expiresAt.getTime() > this.#now().getTime();
  }

  async cleanup(ref: GrantRef): Promise<void> {
    await this.#enter('cleanup');
    // Expired grants linger in a real cloud until cleaned; here cleanup forgets them.
    const g = this.#grants.get(ref.request.requestId);
    if (g && g.expiresAt.getTime() <= this.#now().getTime()) this.#grants.delete(ref.request.requestId);
  }

  async #enter(op: MockOperation): Promise<void> {
    this.calls[op]++;
    if (this.#latencyMs > 0) await new Promise((r) => setTimeout(r, this.#latencyMs));
    const f = this.#failures.get(op);
    if (f && f.remaining > 0) {
      f.remaining--;
      if (f.remaining === 0) this.#failures.delete(op);
      throw new ProviderError(this.name, f.message, f.retryable);
    }
  }
}
