/**
 * For shutdown tests: a postgres provider config and a probe that tells whether its connection
 * pools are still usable. Without PostgreSQL the URL is a port nothing listens on: the pool still
 * exists (calls fail "unavailable") and close() still ends it (calls fail CONNECTION_ENDED).
 */
import { expect } from 'vitest';
import type { GrantRef, Provider } from '../../src/core/providers/types.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:1/none';

/** `providers.postgres` config that fails fast. */
export const POSTGRES_PROVIDER_CONFIG = {
  url: PG_URL,
  timeout_ms: 1_000,
  retry: { attempts: 1, base_delay_ms: 1, max_delay_ms: 1 },
};

const ref: GrantRef = {
  request: {
    requestId: 'req_01J9Z7X3R4T5V6W7X8Y9Z0ABCD',
    principal: { identity: 'alice@example.com', kind: 'human', groups: [] },
    role: 'jt_reader',
    scope: 'shop',
    durationSeconds: 600,
    reason: 'shutdown test',
    metadata: {},
  },
  handle: {},
  expiresAt: new Date(Date.now() + 600_000),
};

/** What an isActive call settles to: 'ok', or the error message. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );

/** Asserts the provider's pools are open (answering, or "unavailable" without a server). */
export async function expectPoolsOpen(pg: Provider): Promise<void> {
  const before = await outcome(pg.isActive(ref));
  if (process.env.TEST_DATABASE_URL) expect(before).toBe('ok');
  else expect(before).toMatch(/unavailable/);
}

/** Asserts the provider's pools were ended by close(). */
export async function expectPoolsEnded(pg: Provider): Promise<void> {
  expect(await outcome(pg.isActive(ref))).toMatch(/CONNECTION_ENDED/);
}
