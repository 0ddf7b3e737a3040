/**
 * The email sink against a real local SMTP server (smtp-server): delivery and content, Message-ID and
 * X-Jitsudo-Event-Id from the event id, recipient rules by event/provider/role, a server that accepts
 * TCP and never greets (retried within bounded timeouts, then delivered once it answers), 4xx retried,
 * 5xx dead at once.
 */

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { sqlRows } from '../../src/core/db/client.js';
import { configuredSinks } from '../../src/notify/index.js';
import { OutboxWorker } from '../../src/notify/worker.js';
import { autoGrant, type Harness, human, makeHarness, uniq } from '../core/requests/fixtures.js';
import { testDatabases } from '../helpers/db.js';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server (no TLS, no auth) that keeps every message; `reject` decides a RCPT reply. */
async function startSmtp() {
  const mails: Mail[] = [];
  const ctl = { reject: undefined as undefined | ((rcpt: string) => number | undefined) };
  const server = new SMTPServer({
    authOptional: true,
    // close() otherwise waits up to 30 s for client connections to end.
    closeTimeout: 100,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(addr, _s, cb) {
      const code = ctl.reject?.(addr.address);
      if (!code) return cb();
      const err = Object.assign(new Error(`refused ${code}`), { responseCode: code });
      cb(err);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { mails, ctl, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A TCP front: `hang` accepts and never says a word; otherwise it pipes to the real SMTP server. */
async function startFront(target: number) {
  const state = { hang: true, sockets: new Set<Socket>() };
  const { connect } = await import('node:net');
  const server: Server = createServer((s) => {
    state.sockets.add(s);
    s.on('close', () => state.sockets.delete(s));
    s.on('error', () => {});
    if (state.hang) return;
    const up = connect(target, '127.0.0.1');
    up.on('error', () => s.destroy());
    s.pipe(up).pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    state,
    port,
    close: () => {
      for (const s of state.sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * A worker mailing through `port`. The greeting timeout is generous unless a test is about a server
 * that never greets: a real sink on a loaded machine may take well over 300 ms to say hello.
 */
function workerFor(h: Harness, port: number, recipients: unknown[], greetingTimeoutMs = 15_000) {
  const config = parseConfig({
    ...h.core.deps.config,
    notifications: {
      backoff_base_ms: 10,
      max_attempts: 5,
      email: {
        smtp: {
          host: '127.0.0.1',
          port,
          security: 'none',
          connection_timeout_ms: 15_000,
          greeting_timeout_ms: greetingTimeoutMs,
          socket_timeout_ms: 15_000,
        },
        from: 'jitsudo <jitsudo@example.com>',
        recipients,
      },
    },
  });
  const deps = { ...h.core.deps, config };
  return new OutboxWorker(deps, configuredSinks(deps));
}

const forRequest = (mails: Mail[], id: string) => mails.filter((m) => m.raw.includes(id));

async function delivery(h: Harness, requestId: string, type: string) {
  const [d] = await sqlRows<{ state: string; attempts: number; last_error: string | null }>(
    h.db,
    sql`select d.state, d.attempts, d.last_error from outbox_deliveries d join outbox_events e on e.id = d.event_id
        where e.request_id = ${requestId} and e.type = ${type} and d.sink = 'email'`,
  );
  return d;
}

describe.each(testDatabases())('email sink on %s', (driver) => {
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

  it('sends each wanted event with the request details, ids as Message-ID and header, no credentials', async () => {
    const w = workerFor(h, smtp.port, [
      { match: { events: ['request.*'] }, to: ['approvers@example.com'] },
      { match: { events: ['grant.issued'], provider: 'mock', role: 'ReadOnly' }, to: ['sre@example.com'] },
      { match: { events: ['grant.issued'], provider: 'aws' }, to: ['aws-team@example.com'] },
    ]);
    const { r } = await autoGrant(h);
    await w.tick();
    const mine = forRequest(smtp.mails, r.id);
    expect(mine).toHaveLength(3); // created, approved → approvers; grant.issued → sre only
    const issued = mine.find((m) => /Subject: \[jitsudo\] grant\.issued/.test(m.raw))!;
    expect(issued.to).toEqual(['sre@example.com']);
    expect(issued.from).toBe('jitsudo@example.com');
    const evt = /^X-Jitsudo-Event-Id: (evt_\w+)$/im.exec(issued.raw)?.[1];
    expect(evt).toMatch(/^evt_/);
    expect(issued.raw).toContain(`Message-ID: <${evt}@jitsudo>`);
    expect(issued.raw).toContain(r.id);
    expect(issued.raw).toContain('text/html');
    expect(issued.raw).toContain('Provider: mock');
    expect(issued.raw).not.toMatch(/mock-access-key|mock-session-token|credentials/i);
    for (const m of mine.filter((x) => x !== issued)) expect(m.to).toEqual(['approvers@example.com']);
    expect(await delivery(h, r.id, 'grant.issued')).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('a server that accepts and never greets is a bounded, retried failure; delivered once it answers', async () => {
    const front = await startFront(smtp.port);
    try {
      const w = workerFor(
        h,
        front.port,
        [{ match: { events: ['request.created'] }, to: ['a@example.com'] }],
        300,
      );
      const r = await h.ask(human(uniq('alice'), ['sre']));
      const t0 = Date.now();
      await w.tick();
      expect(Date.now() - t0).toBeLessThan(5000); // the 300 ms greeting timeout, not a hung worker
      expect(await delivery(h, r.id, 'request.created')).toMatchObject({ state: 'pending', attempts: 1 });
      expect((await delivery(h, r.id, 'request.created'))!.last_error).toMatch(
        /^SMTP (ETIMEDOUT|ECONNECTION)/,
      );
      expect(forRequest(smtp.mails, r.id)).toHaveLength(0);
      front.state.hang = false;
      h.clock.advance(60_000);
      // The retry through a worker with a generous greeting timeout: a hello that is merely slow on a
      // loaded machine must not fail it.
      await workerFor(h, front.port, [
        { match: { events: ['request.created'] }, to: ['a@example.com'] },
      ]).tick();
      expect(forRequest(smtp.mails, r.id)).toHaveLength(1);
      expect(await delivery(h, r.id, 'request.created')).toMatchObject({ state: 'delivered', attempts: 2 });
    } finally {
      await front.close();
    }
  });

  it('a 4xx reply is retried, a 5xx reply is dead at once', async () => {
    const w = workerFor(h, smtp.port, [
      { match: { events: ['request.created'], role: 'admin' }, to: ['busy@example.com'] },
      { match: { events: ['request.created'], role: 'ReadOnly' }, to: ['nobody@example.com'] },
    ]);
    let busy = 0;
    smtp.ctl.reject = (a) =>
      a === 'nobody@example.com' ? 550 : a === 'busy@example.com' && busy++ === 0 ? 451 : undefined;
    try {
      const a = await h.ask(human(uniq('alice'), ['sre']), { role: 'admin' });
      const b = await h.ask(human(uniq('alice'), ['sre']), { role: 'ReadOnly' });
      await w.tick();
      expect(await delivery(h, a.id, 'request.created')).toMatchObject({
        state: 'pending',
        attempts: 1,
        last_error: expect.stringMatching(/^SMTP 451/),
      });
      expect(await delivery(h, b.id, 'request.created')).toMatchObject({
        state: 'dead',
        attempts: 1,
        last_error: expect.stringMatching(/^SMTP 550/),
      });
      h.clock.advance(60_000);
      await w.tick();
      expect(await delivery(h, a.id, 'request.created')).toMatchObject({ state: 'delivered', attempts: 2 });
      expect(forRequest(smtp.mails, a.id)).toHaveLength(1);
      expect(forRequest(smtp.mails, b.id)).toHaveLength(0);
    } finally {
      smtp.ctl.reject = undefined;
    }
  });

  it('config: a password needs a user; password and password_file are exclusive', () => {
    const base = { from: 'j@example.com', recipients: [{ to: ['a@example.com'] }] };
    const parse = (raw: { notifications: unknown }) => parseConfig({ ...h.core.deps.config, ...raw });
    expect(() =>
      parse({ notifications: { email: { ...base, smtp: { host: 'h', password: 'p' } } } }),
    ).toThrow(/notifications\.email\.smtp\.user/);
    expect(() =>
      parse({
        notifications: {
          email: { ...base, smtp: { host: 'h', user: 'u', password: 'p', password_file: '/x' } },
        },
      }),
    ).toThrow(/password/);
    // The sink name keys the delivery rows: it may not be another sink's.
    const clash = parse({
      notifications: {
        webhooks: [{ name: 'email', url: 'https://x.example/h', secrets: ['0123456789abcdef0123'] }],
        email: { ...base, smtp: { host: 'h' } },
      },
    });
    expect(() => configuredSinks({ config: clash })).toThrow(/notifications\.email\.name/);
  });
});
