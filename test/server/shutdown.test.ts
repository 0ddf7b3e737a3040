/** jitsudod's close(): after the sweeper stops, the providers' connection pools are ended too. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import type { GrantRef } from '../../src/core/providers/types.js';
import { startServer } from '../../src/server/start-server.js';

// Without PostgreSQL, a port nothing listens on: the pool still exists and close() still ends it.
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:1/none';

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

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );

describe('jitsudod shutdown', () => {
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-shutdown-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('close() ends the postgres provider’s connection pools', async () => {
    const config = parseConfig({
      home,
      http: { addr: '127.0.0.1:0' },
      log: { level: 'silent' },
      providers: {
        postgres: {
          url: PG_URL,
          timeout_ms: 1_000,
          retry: { attempts: 1, base_delay_ms: 1, max_delay_ms: 1 },
        },
      },
    });
    const server = await startServer({ config });
    const pg = server.core.deps.providers.get('postgres');
    const before = await outcome(pg.isActive(ref));
    if (process.env.TEST_DATABASE_URL) expect(before).toBe('ok');
    else expect(before).toMatch(/unavailable/);
    await server.close();
    expect(await outcome(pg.isActive(ref))).toMatch(/CONNECTION_ENDED/);
  });
});
