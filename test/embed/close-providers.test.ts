/**
 * Shutdown closes the providers that hold connections open: the PostgreSQL provider's pools end
 * when an embedded jitsudo that built it from config closes; a provider the host passed in is the
 * host's to close.
 */
import { createJitsudo, MockProvider } from 'jitsudo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrantRef, Provider } from '../../src/core/providers/types.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

// Without PostgreSQL, a port nothing listens on: the pool still exists and close() still ends it.
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:1/none';

const ref: GrantRef = {
  request: {
    requestId: 'req_01J9Z7X3R4T5V6W7X8Y9Z0ABCD',
    principal: { identity: 'alice@example.com', kind: 'human', groups: [] },
    role: 'jt_reader',
    scope: 'shop',
    durationSeconds: 600,
    reason: 'close test',
    metadata: {},
  },
  handle: {},
  expiresAt: new Date(Date.now() + 600_000),
};

/** What a provider call settles to: 'ok', or the error message. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );

describe('closing an embedded jitsudo', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('pglite');
  });
  afterAll(async () => {
    await db?.close();
  });

  const config = {
    home: '/nonexistent-jitsudo-home',
    log: { level: 'silent' as const },
    encryption: { key: 'c'.repeat(64) },
    providers: {
      mock: {},
      postgres: { url: PG_URL, timeout_ms: 1_000, retry: { attempts: 1, base_delay_ms: 1, max_delay_ms: 1 } },
    },
  };

  it('ends the connection pools of the postgres provider it built from config', async () => {
    const j = await createJitsudo({ config, database: db, startSweeper: false });
    const pg = j.core.deps.providers.get('postgres');
    const before = await outcome(pg.isActive(ref));
    if (process.env.TEST_DATABASE_URL) expect(before).toBe('ok');
    else expect(before).toMatch(/unavailable/);
    await j.close();
    expect(await outcome(pg.isActive(ref))).toMatch(/CONNECTION_ENDED/);
    await j.close(); // idempotent
  });

  it('leaves a provider the host passed in open', async () => {
    let closed = 0;
    const hosts: Provider = Object.assign(new MockProvider(), {
      close: async () => {
        closed++;
      },
    });
    const j = await createJitsudo({ config, database: db, providers: [hosts], startSweeper: false });
    await j.close();
    expect(closed).toBe(0);
  });
});
