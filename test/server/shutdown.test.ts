/** jitsudod's close(): after the sweeper stops, the providers' connection pools are ended too. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { startServer } from '../../src/server/start-server.js';
import {
  expectPoolsEnded,
  expectPoolsOpen,
  POSTGRES_PROVIDER_CONFIG,
} from '../helpers/postgres-provider-pools.js';

describe('jitsudod shutdown', () => {
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-shutdown-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('close() ends the postgres provider’s connection pools', async () => {
    const config = parseConfig({
      home,
      http: { addr: '127.0.0.1:0' },
      log: { level: 'silent' },
      providers: {
        postgres: POSTGRES_PROVIDER_CONFIG,
      },
    });
    const server = await startServer({ config });
    const pg = server.core.deps.providers.get('postgres');
    await expectPoolsOpen(pg);
    await server.close();
    await expectPoolsEnded(pg);
  });
});
