/**
 * Builds the mock provider from its config section (`providers.mock`). Registered only when that
 * section exists; the embedded default config has it.
 */
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { MockProvider, type MockProviderOptions } from './mock-provider.js';

export { type MockOperation, MockProvider, type MockProviderOptions } from './mock-provider.js';

const MockConfig = z
  .object({
    latency_ms: z.number().int().min(0).max(60_000).optional(),
    max_duration_seconds: z.number().int().positive().optional(),
    roles: z.array(z.string().min(1)).optional(),
    /** Failure injection for end-to-end tests of the retry paths. */
    fail_grants: z.number().int().min(0).optional(),
    fail_revokes: z.number().int().min(0).optional(),
    fail_retryable: z.boolean().default(true),
  })
  .strict();

/** A MockProvider configured from `providers.mock`; throws AppError VALIDATION naming a bad key. */
export function createMockProvider(
  section: Record<string, unknown> = {},
  extra: Pick<MockProviderOptions, 'now' | 'name'> = {},
): MockProvider {
  const r = MockConfig.safeParse(section);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new AppError(
      'VALIDATION',
      `invalid config key providers.mock.${issue.path.join('.')}: ${issue.message}`,
    );
  }
  const c = r.data;
  const p = new MockProvider({
    ...extra,
    latencyMs: c.latency_ms,
    maxDurationSeconds: c.max_duration_seconds,
    roles: c.roles,
  });
  if (c.fail_grants) p.failNext('grant', c.fail_grants, { retryable: c.fail_retryable });
  if (c.fail_revokes) p.failNext('revoke', c.fail_revokes, { retryable: c.fail_retryable });
  return p;
}
