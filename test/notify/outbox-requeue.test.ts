/**
 * Requeueing dead deliveries (ADR 0057): the core verb (admin only, audited in the same
 * transaction, bad input changes nothing) and the same verb through jitsudod's HTTP API and
 * `jitsudo server outbox requeue`, the result visible in `jitsudo server status`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { sqlRows } from '../../src/core/db/client.js';
import type { CoreDeps } from '../../src/core/deps.js';
import { mintDevToken } from '../../src/core/identity/index.js';
import { requeueDeadDeliveries } from '../../src/core/outbox/requeue.js';
import { configuredSinks } from '../../src/notify/index.js';
import { OutboxWorker } from '../../src/notify/worker.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';
import { appError, type Harness, human, makeHarness, uniq } from '../core/requests/fixtures.js';
import { jitsudo, scratchDatabase, tempHome } from '../e2e/support/processes.js';
import { testDatabases } from '../helpers/db.js';
import { type Receiver, startReceiver, until } from './receiver.js';

const SECRET = 'requeue-test-secret-0123456789';

type Row = { event_id: string; sink: string; state: string; attempts: number; last_error: string | null };
const deliveries = async (h: { db: Harness['db'] }, requestId: string) =>
  (
    await sqlRows<Row>(
      h.db,
      sql`select d.event_id, d.sink, d.state, d.attempts, d.last_error from outbox_deliveries d
        join outbox_events e on e.id = d.event_id where e.request_id = ${requestId} order by d.sink, d.event_id`,
    )
  ).map((r) => ({ ...r, attempts: Number(r.attempts) }));

const requeueAudits = async (h: { db: Harness['db'] }) =>
  sqlRows<{ actor: string; details: string }>(
    h.db,
    sql`select actor, details from audit_events where action = 'outbox.requeued' order by id`,
  );

describe.each(testDatabases())('requeueDeadDeliveries on %s', (driver) => {
  let h: Harness;
  let a: Receiver;
  let b: Receiver;
  let deps: CoreDeps;
  let worker: OutboxWorker;
  const admin = human('root@example.com', ['jitsudo-admins'], true);
  beforeAll(async () => {
    h = await makeHarness(driver);
    [a, b] = await Promise.all([startReceiver(SECRET), startReceiver(SECRET)]);
    a.answer = () => 410; // permanent: dead at once
    b.answer = () => 410;
    const config = parseConfig({
      ...h.core.deps.config,
      notifications: {
        webhooks: [
          { name: 'a', url: a.url, secrets: [SECRET] },
          { name: 'b', url: b.url, secrets: [SECRET] },
        ],
      },
    });
    deps = { ...h.core.deps, config };
    worker = new OutboxWorker(deps, configuredSinks(deps));
  });
  afterAll(async () => {
    await worker?.stop();
    await Promise.all([a?.close(), b?.close()]);
    await h?.close();
  });

  it('refuses non-admins and bad input with nothing changed and no audit row', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const r = await h.ask(alice);
    await worker.tick();
    const before = await deliveries(h, r.id);
    expect(before.map((d) => d.state)).toEqual(['dead', 'dead']);
    const audits = (await requeueAudits(h)).length;
    expect((await appError(requeueDeadDeliveries(deps, alice, { all: true }))).code).toBe('FORBIDDEN');
    for (const bad of [
      {},
      { all: true, sink: 'a' },
      { all: false },
      { sink: 'nope' },
      { sink: 'A B' },
      { event_id: 'req_01NOTANEVENT' },
      { event_id: before[0]!.event_id, extra: 1 },
      { sink: 'a', all: 'yes' },
    ]) {
      const e = await appError(requeueDeadDeliveries(deps, admin, bad));
      expect(e.code, JSON.stringify(bad)).toBe('VALIDATION');
    }
    expect(await deliveries(h, r.id)).toEqual(before);
    expect((await requeueAudits(h)).length).toBe(audits);
  });

  it('requeues by event, by sink, or all; attempts reset; audited with the counts; the worker delivers them', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const r1 = await h.ask(alice, { reason: 'one' });
    const r2 = await h.ask(alice, { reason: 'two' });
    await worker.tick();
    const [e1] = await deliveries(h, r1.id);
    // By event and sink: only that one row.
    const one = await requeueDeadDeliveries(deps, admin, { sink: 'a', event_id: e1!.event_id });
    expect(one).toEqual({ requeued: 1, sinks: [{ sink: 'a', count: 1 }] });
    expect((await deliveries(h, r1.id)).map((d) => [d.sink, d.state, d.attempts, d.last_error])).toEqual([
      ['a', 'pending', 0, null],
      ['b', 'dead', 1, 'HTTP 410'],
    ]);
    const [audit] = (await requeueAudits(h)).slice(-1);
    expect(audit!.actor).toBe('root@example.com');
    expect(JSON.parse(audit!.details)).toEqual({
      filter: { sink: 'a', event_id: e1!.event_id },
      requeued: 1,
      sinks: { a: 1 },
    });
    // The receivers are fixed: the worker delivers what was requeued, and only that.
    a.answer = () => 200;
    b.answer = () => 200;
    await worker.tick();
    expect((await deliveries(h, r1.id)).map((d) => [d.sink, d.state])).toEqual([
      ['a', 'delivered'],
      ['b', 'dead'],
    ]);
    // By sink: every dead row of b (r1's and r2's, and the first test's).
    const bySink = await requeueDeadDeliveries(deps, admin, { sink: 'b' });
    expect(bySink.sinks.map((s) => s.sink)).toEqual(['b']);
    expect(bySink.requeued).toBeGreaterThanOrEqual(2);
    expect((await deliveries(h, r2.id)).map((d) => [d.sink, d.state])).toEqual([
      ['a', 'dead'],
      ['b', 'pending'],
    ]);
    // All: what is left dead anywhere (a's rows).
    const all = await requeueDeadDeliveries(deps, admin, { all: true });
    expect(all.sinks.map((s) => s.sink)).toEqual(['a']);
    await worker.tick();
    for (const id of [r1.id, r2.id])
      expect((await deliveries(h, id)).every((d) => d.state === 'delivered')).toBe(true);
    // Nothing dead left: a requeue is a no-op (still on record).
    const n = (await requeueAudits(h)).length;
    expect(await requeueDeadDeliveries(deps, admin, { all: true })).toEqual({ requeued: 0, sinks: [] });
    expect((await requeueAudits(h)).length).toBe(n + 1);
  });
});

describe.each(testDatabases())('jitsudod: outbox requeue over HTTP and the CLI (%s)', (driver) => {
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-requeue-'));
  let rx: Receiver;
  let server: RunningServer;
  let scratch: Awaited<ReturnType<typeof scratchDatabase>> | undefined;
  const token = async (email: string, groups: string[]) =>
    (await mintDevToken(server.core.deps.keys, { email, groups, kind: 'human', ttl: 600 })).token;
  const call = async (method: string, path: string, bearer: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/v1alpha1${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const sinkRow = async (admin: string) =>
    (await call('GET', '/admin/outbox', admin)).body.sinks.find((s: { sink: string }) => s.sink === 'rx');

  beforeAll(async () => {
    rx = await startReceiver(SECRET);
    rx.answer = () => 404;
    if (driver === 'postgres') scratch = await scratchDatabase();
    server = await startServer({
      config: parseConfig({
        home,
        mode: 'dev',
        http: { addr: '127.0.0.1:0' },
        log: { level: 'silent' },
        auth: { mode: 'dev' },
        providers: { mock: {} },
        sweeper: { enabled: false },
        ...(scratch ? { database: { url: scratch.url } } : {}),
        notifications: { poll_interval_ms: 50, webhooks: [{ name: 'rx', url: rx.url, secrets: [SECRET] }] },
      }),
    });
  });
  afterAll(async () => {
    await server?.close();
    await rx?.close();
    await scratch?.drop();
    rmSync(home, { recursive: true, force: true });
  });

  it('bad input is a 4xx that changes nothing; the CLI requeues; status shows it delivered', async () => {
    const alice = await token('alice@example.com', ['sre']);
    const admin = await token('root@example.com', ['jitsudo-admins']);
    const created = await call('POST', '/requests', alice, {
      provider: 'mock',
      role: 'admin',
      resource_scope: 'dev',
      duration: '15m',
      reason: 'INC-9',
    });
    expect(created.status).toBe(201);
    await until(async () => (await sinkRow(admin))?.dead >= 1, 'the delivery to die');
    const dead = await sinkRow(admin);
    expect(dead.last_error).toBe('HTTP 404');

    for (const [body, status] of [
      [{}, 400],
      [{ sink: 'nope' }, 400],
      [{ event_id: 'not-an-id' }, 400],
      [{ all: true, sink: 'rx' }, 400],
      ['{"all": tru', 400],
    ] as const) {
      const res = await call('POST', '/admin/outbox/requeue', admin, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.code).toBe('VALIDATION');
    }
    expect((await call('POST', '/admin/outbox/requeue', alice, { all: true })).status).toBe(403);
    expect(await sinkRow(admin)).toEqual(dead);

    const adminHome = tempHome('requeue-admin');
    const env = { home: adminHome, server: server.url };
    expect(
      (await jitsudo(['login', '--dev', '--user', 'root@example.com', '--groups', 'jitsudo-admins'], env))
        .code,
    ).toBe(0);
    const before = await jitsudo(['server', 'status'], env);
    expect(before.stdout).toMatch(/notify:rx\s+DEGRADED\s+0 pending, \d+ delivered, [1-9]\d* failed/);
    const usage = await jitsudo(['server', 'outbox', 'requeue'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--sink and\/or --event, or --all/);
    const unknown = await jitsudo(['server', 'outbox', 'requeue', '--sink', 'nope'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/"nope" is not a sink configured/);

    rx.answer = () => 200;
    const out = await jitsudo(['server', 'outbox', 'requeue', '--sink', 'rx'], env);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      new RegExp(`Requeued ${dead.dead} dead deliver(y|ies) \\(rx: ${dead.dead}\\)`),
    );
    await until(
      async () => (await sinkRow(admin))?.dead === 0 && (await sinkRow(admin))?.pending === 0,
      'redelivery',
    );
    const after = await jitsudo(['server', 'status'], env);
    expect(after.stdout).toMatch(/notify:rx\s+UP\s+0 pending, \d+ delivered, 0 failed/);
    const audit = await call('GET', '/audit?action=outbox.requeued', admin);
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).toContain('root@example.com');
    expect(JSON.stringify(audit.body)).not.toContain(SECRET);
  });
});
