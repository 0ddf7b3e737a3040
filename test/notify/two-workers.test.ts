/**
 * Two delivery workers (two server processes' pools) on one PostgreSQL database share the outbox
 * without delivering a row twice while its lease holds (SKIP LOCKED claims): every event arrives,
 * duplicates stay at zero. PGlite has one connection, so this only runs on PostgreSQL.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { openPostgres, sqlRows } from '../../src/core/db/client.js';
import { configuredSinks } from '../../src/notify/index.js';
import { verifySignature } from '../../src/notify/signature.js';
import { OutboxWorker } from '../../src/notify/worker.js';
import { type Harness, human, makeHarness, uniq } from '../core/requests/fixtures.js';
import { type Receiver, startReceiver, until } from './receiver.js';

const SECRET = 'two-workers-secret-0123456789';
// Each worker also signs with a secret of its own: the receiver tells who delivered what.
const SECRET_A = 'worker-a-secret-0123456789ab';
const SECRET_B = 'worker-b-secret-0123456789ab';

describe.skipIf(!process.env.TEST_DATABASE_URL)(
  'two workers on one PostgreSQL database (needs TEST_DATABASE_URL)',
  () => {
    let a: Harness;
    let b: Harness;
    let rx: Receiver;
    let second: ReturnType<typeof openPostgres>;
    beforeAll(async () => {
      a = await makeHarness('postgres');
      second = openPostgres(a.testDb.url!, 5);
      b = await makeHarness('postgres', { shared: a.testDb, db: second, clock: a.clock });
      rx = await startReceiver(SECRET);
    });
    afterAll(async () => {
      await b?.close();
      await second?.close();
      await a?.close();
      await rx?.close();
    });

    const worker = (h: Harness, own: string) => {
      const config = parseConfig({
        ...h.core.deps.config,
        notifications: { concurrency: 8, webhooks: [{ name: 'rx', url: rx.url, secrets: [SECRET, own] }] },
      });
      const deps = { ...h.core.deps, config };
      return new OutboxWorker(deps, configuredSinks(deps));
    };

    it('delivers every event once between them', async () => {
      for (let i = 0; i < 60; i++) await a.ask(human(uniq('alice'), ['sre']));
      const [n] = await sqlRows<{ n: string | number }>(a.db, sql`select count(*) as n from outbox_events`);
      const total = Number(n!.n);
      expect(total).toBeGreaterThanOrEqual(60);
      const wa = worker(a, SECRET_A);
      const wb = worker(b, SECRET_B);
      await until(async () => {
        await Promise.all([wa.tick(), wb.tick()]);
        return rx.unique.size >= total;
      }, 'all events delivered');
      expect(rx.unique.size).toBe(total);
      expect(rx.duplicates()).toBe(0);
      expect(rx.badSignatures).toBe(0);
      // Both took part (the claims really are shared, not serialized behind one worker).
      const now = Math.floor(Date.now() / 1000);
      const by = (secret: string) =>
        rx.all.filter((r) => verifySignature(r.signature, r.raw, secret, now)).length;
      expect(by(SECRET_A)).toBeGreaterThan(0);
      expect(by(SECRET_B)).toBeGreaterThan(0);
      expect(by(SECRET_A) + by(SECRET_B)).toBe(total);
    });
  },
);
