/**
 * Shutdown closes the providers that hold connections open: the PostgreSQL provider's pools end
 * when an embedded jitsudo that built it from config closes; a provider the host passed in is the
 * host's to close.
 */
import { createJitsudo, MockProvider } from 'jitsudo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/core/providers/types.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import {
  expectPoolsEnded,
  expectPoolsOpen,
  POSTGRES_PROVIDER_CONFIG,
} from '../helpers/postgres-provider-pools.js';

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
      postgres: POSTGRES_PROVIDER_CONFIG,
    },
  };

  it('ends the connection pools of the postgres provider it built from config', async () => {
    const j = await createJitsudo({ config, database: db, startSweeper: false });
    const pg = j.core.deps.providers.get('postgres');
    await expectPoolsOpen(pg);
    await j.close();
    await expectPoolsEnded(pg);
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
