/**
 * An SMTP server that greets, takes the envelope and the message, and then never answers the end of
 * DATA (a hung relay, the case email.test.ts's never-greeting front does not reach): the delivery is
 * cut within the configured timeouts as a retryable failure, the worker is not held, and the event
 * is delivered once the server answers again: not lost. (At least once: a relay that swallowed the
 * reply may still deliver the first copy; the Message-ID made from the event id lets inboxes dedupe.)
 */
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { sqlRows } from '../../src/core/db/client.js';
import { configuredSinks } from '../../src/notify/index.js';
import { OutboxWorker } from '../../src/notify/worker.js';
import { type Harness, human, makeHarness, uniq } from '../core/requests/fixtures.js';
import { testDatabases } from '../helpers/db.js';

/** smtp-server that keeps accepted messages; while `hang`, it swallows DATA and never replies. */
async function startSmtp() {
  const ctl = { hang: true, accepted: [] as string[], swallowed: 0 };
  const server = new SMTPServer({
    authOptional: true,
    closeTimeout: 100,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (ctl.hang) return void ctl.swallowed++; // no reply to the final dot, ever
        ctl.accepted.push(Buffer.concat(chunks).toString('utf8'));
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { ctl, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.each(testDatabases())('email sink, SMTP hanging after DATA, on %s', (driver) => {
  let h: Harness;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    h = await makeHarness(driver);
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('is cut within the timeouts, retried, and delivered once the server answers', async () => {
    // The socket timeout is what cuts a server that swallows DATA's reply; the connection and
    // greeting waits are generous, so a merely slow hello on a loaded machine is not mistaken for it.
    const workerWith = (socketTimeoutMs: number) => {
      const config = parseConfig({
        ...h.core.deps.config,
        notifications: {
          backoff_base_ms: 10,
          max_attempts: 5,
          email: {
            smtp: {
              host: '127.0.0.1',
              port: smtp.port,
              security: 'none',
              connection_timeout_ms: 15_000,
              greeting_timeout_ms: 15_000,
              socket_timeout_ms: socketTimeoutMs,
            },
            from: 'jitsudo <jitsudo@example.com>',
            recipients: [{ match: { events: ['request.created'] }, to: ['approvers@example.com'] }],
          },
        },
      });
      const deps = { ...h.core.deps, config };
      return new OutboxWorker(deps, configuredSinks(deps));
    };
    const w = workerWith(2000);
    const r = await h.ask(human(uniq('alice'), ['sre']));
    const row = async () =>
      (
        await sqlRows<{ state: string; attempts: number; last_error: string | null }>(
          h.db,
          sql`select d.state, d.attempts, d.last_error from outbox_deliveries d join outbox_events e on e.id = d.event_id
              where e.request_id = ${r.id} and e.type = 'request.created' and d.sink = 'email'`,
        )
      )[0];
    const t0 = Date.now();
    await w.tick();
    // Bounded by the socket timeout (and the sink's overall cap), not by the server.
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(smtp.ctl.swallowed).toBe(1);
    expect(await row()).toMatchObject({ state: 'pending', attempts: 1 });
    expect((await row())!.last_error).toMatch(/^SMTP (ETIMEDOUT|ESOCKET|ECONNECTION|timeout)/);
    smtp.ctl.hang = false;
    h.clock.advance(60_000);
    await workerWith(15_000).tick();
    expect(smtp.ctl.accepted.filter((m) => m.includes(r.id))).toHaveLength(1);
    expect(await row()).toMatchObject({ state: 'delivered', attempts: 2 });
  });
});
