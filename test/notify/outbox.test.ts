/**
 * The transactional outbox and its webhook delivery (ADR 0046) on a real database with a real
 * local HTTP receiver: events written with the state change (and not without it), delivered signed,
 * retried with backoff, dead on a permanent refusal, one failing sink never holding up another.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { sqlRows } from '../../src/core/db/client.js';
import { withTx } from '../../src/core/db/tx.js';
import { outboxStatus } from '../../src/core/outbox/status.js';
import { auditRequest } from '../../src/core/requests/tx.js';
import { configuredSinks } from '../../src/notify/index.js';
import { verifySignature } from '../../src/notify/signature.js';
import { OutboxWorker } from '../../src/notify/worker.js';
import { assertProductionSafe } from '../../src/server/production-mode.js';
import { autoGrant, type Harness, human, makeHarness, uniq } from '../core/requests/fixtures.js';
import { testDatabases } from '../helpers/db.js';
import { type Receiver, startReceiver } from './receiver.js';

const S1 = 'first-secret-0123456789abcdef';
const S2 = 'second-secret-0123456789abcdef';

async function eventsOf(h: Harness, requestId: string): Promise<string[]> {
  const rows = await sqlRows<{ type: string }>(
    h.db,
    sql`select type from outbox_events where request_id = ${requestId} order by id`,
  );
  return rows.map((r) => r.type);
}

/** A worker over `h`'s core with the webhooks `hooks` (name → url). */
function workerFor(h: Harness, hooks: Record<string, string>, extra: Record<string, unknown> = {}) {
  const config = parseConfig({
    ...h.core.deps.config,
    notifications: {
      backoff_base_ms: 10,
      max_attempts: 4,
      webhooks: Object.entries(hooks).map(([name, url]) => ({
        name,
        url,
        secrets: [S1, S2],
        timeout_ms: 2000,
      })),
      ...extra,
    },
  });
  const deps = { ...h.core.deps, config };
  return new OutboxWorker(deps, configuredSinks(deps));
}

describe.each(testDatabases())('outbox on %s', (driver) => {
  let h: Harness;
  let rx: Receiver;
  beforeAll(async () => {
    h = await makeHarness(driver);
    rx = await startReceiver(S2);
  });
  afterAll(async () => {
    await h?.close();
    await rx?.close();
  });

  it('every state change writes its event in its transaction: create, approve, grant', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const r = await h.ask(alice, { reason: 'INC-7' });
    expect(await eventsOf(h, r.id)).toEqual(['request.created']);
    await h.core.approveRequest(human(uniq('bob')), { id: r.id, comment: 'ok' });
    expect(await eventsOf(h, r.id)).toEqual(['request.created', 'request.approved', 'grant.issued']);
  });

  it('a rolled-back state change leaves no event (and no audit row)', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const r = await h.ask(alice);
    await expect(
      withTx(h.db, async (tx) => {
        await tx.execute(sql`update requests set state = 'CANCELLED' where id = ${r.id}`);
        await auditRequest(
          tx,
          alice,
          { id: r.id, provider: 'mock', resourceScope: 'dev' },
          {
            action: 'request.cancelled',
            outcome: 'success',
          },
        );
        throw new Error('boom after the write');
      }),
    ).rejects.toThrow('boom');
    expect(await eventsOf(h, r.id)).toEqual(['request.created']);
    const [row] = await sqlRows<{ state: string }>(h.db, sql`select state from requests where id = ${r.id}`);
    expect(row!.state).toBe('PENDING');
  });

  it('delivers each event signed (both secrets verify), with id and type headers, no credentials', async () => {
    rx.answer = () => 200;
    const w = workerFor(h, { main: rx.url });
    const { r } = await autoGrant(h);
    await w.tick();
    const mine = rx.all.filter((x) => x.body.request_id === r.id);
    expect(mine.map((x) => x.type).sort()).toEqual(['grant.issued', 'request.approved', 'request.created']);
    const now = Math.floor(Date.now() / 1000);
    for (const x of mine) {
      expect(x.body.id).toBe(x.id);
      expect(x.id).toMatch(/^evt_/);
      expect(verifySignature(x.signature, x.raw, S1, now)).toBe(true);
      expect(verifySignature(x.signature, x.raw, S2, now)).toBe(true);
      expect(verifySignature(x.signature, x.raw, 'another-secret-0123456789', now)).toBe(false);
      expect(verifySignature(x.signature, `${x.raw} `, S1, now)).toBe(false);
      expect(x.body.request).toMatchObject({ id: r.id, state: 'ACTIVE' });
      expect(x.raw).not.toMatch(/mock-access-key|mock-session-token|credentials_enc/);
    }
    expect(rx.badSignatures).toBe(0);
    // Delivered rows are not delivered again.
    const before = rx.all.length;
    await w.tick();
    expect(rx.all.length).toBe(before);
  });

  it('retries 503/429 with backoff (Retry-After honoured) until the receiver recovers; 400 is dead at once', async () => {
    const flaky = await startReceiver();
    const refusing = await startReceiver();
    try {
      flaky.answer = (_r, n) =>
        n === 1 ? 503 : n === 2 ? { status: 429, headers: { 'retry-after': '1' } } : 200;
      refusing.answer = () => 400;
      const w = workerFor(h, { flaky: flaky.url, refusing: refusing.url });
      const alice = human(uniq('alice'), ['sre']);
      const r = await h.ask(alice);
      await w.tick();
      expect(flaky.all.filter((x) => x.body.request_id === r.id)).toHaveLength(1);
      // The retry waits for its backoff: nothing is due until the clock moves.
      await w.tick();
      expect(flaky.all.filter((x) => x.body.request_id === r.id)).toHaveLength(1);
      h.clock.advance(1000);
      await w.tick();
      expect(flaky.all.filter((x) => x.body.request_id === r.id)).toHaveLength(2);
      h.clock.advance(500); // less than Retry-After: 1 s counted from the second try
      await w.tick();
      expect(flaky.all.filter((x) => x.body.request_id === r.id)).toHaveLength(2);
      h.clock.advance(1000);
      await w.tick();
      expect(flaky.unique.size).toBeGreaterThan(0);
      expect([...flaky.unique.values()].some((x) => x.body.request_id === r.id)).toBe(true);
      expect(refusing.all.filter((x) => x.body.request_id === r.id)).toHaveLength(1);
      const [d] = await sqlRows<{ state: string; attempts: number; last_error: string }>(
        h.db,
        sql`select d.state, d.attempts, d.last_error from outbox_deliveries d join outbox_events e on e.id = d.event_id
            where e.request_id = ${r.id} and d.sink = 'refusing'`,
      );
      expect(d).toMatchObject({ state: 'dead', attempts: 1, last_error: 'HTTP 400' });
      const [f] = await sqlRows<{ state: string; attempts: number }>(
        h.db,
        sql`select d.state, d.attempts from outbox_deliveries d join outbox_events e on e.id = d.event_id
            where e.request_id = ${r.id} and d.sink = 'flaky'`,
      );
      expect(f).toMatchObject({ state: 'delivered', attempts: 3 });
    } finally {
      await flaky.close();
      await refusing.close();
    }
  });

  it('a sink that keeps failing never blocks another; status shows its pending count and error', async () => {
    const down = await startReceiver();
    const up = await startReceiver();
    try {
      down.answer = () => 500;
      const w = workerFor(h, { down: down.url, up: up.url });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await h.ask(human(uniq('alice'), ['sre']))).id);
      await w.tick();
      for (const id of ids) expect([...up.unique.values()].some((x) => x.body.request_id === id)).toBe(true);
      const st = await outboxStatus({ ...h.core.deps, config: parseConfig({ ...h.core.deps.config }) });
      const downSt = st.sinks.find((s) => s.sink === 'down')!;
      expect(downSt.pending).toBeGreaterThanOrEqual(5);
      expect(downSt.last_error).toBe('HTTP 500');
      expect(downSt.oldest_pending_age_seconds).not.toBeNull();
      expect(JSON.stringify(st)).not.toContain(S1);
      // After max_attempts the failing sink's deliveries are dead, not retried forever.
      for (let i = 0; i < 4; i++) {
        h.clock.advance(3600_000);
        await w.tick();
      }
      const [n] = await sqlRows<{ n: number | string }>(
        h.db,
        sql`select count(*) as n from outbox_deliveries where sink = 'down' and state = 'pending'`,
      );
      expect(Number(n!.n)).toBe(0);
    } finally {
      await down.close();
      await up.close();
    }
  });

  it("a dead worker's claim comes back after its lease; a network error is retried", async () => {
    const late = await startReceiver();
    try {
      const gone = await startReceiver();
      await gone.close(); // a port nobody listens on
      const w = workerFor(h, { late: gone.url });
      const r = await h.ask(human(uniq('alice'), ['sre']));
      await w.tick(); // ECONNREFUSED: retried later
      const [d] = await sqlRows<{ last_error: string; state: string }>(
        h.db,
        sql`select d.last_error, d.state from outbox_deliveries d join outbox_events e on e.id = d.event_id
            where e.request_id = ${r.id} and d.sink = 'late'`,
      );
      expect(d).toMatchObject({ state: 'pending', last_error: 'network error: ECONNREFUSED' });
      // Claim it as a worker that then dies: the row stays pending under the lease.
      await sqlRows(
        h.db,
        sql`update outbox_deliveries set next_attempt_at = ${new Date(h.clock.t + 60_000).toISOString()}::timestamptz
            where sink = 'late' and state = 'pending'`,
      );
      const w2 = workerFor(h, { late: late.url });
      await w2.tick();
      expect(late.all.filter((x) => x.body.request_id === r.id)).toHaveLength(0);
      h.clock.advance(61_000);
      await w2.tick();
      expect(late.unique.size).toBeGreaterThan(0);
      expect([...late.unique.values()].some((x) => x.body.request_id === r.id)).toBe(true);
    } finally {
      await late.close();
    }
  });

  it('"about to expire" is told once per grant and expiry, within the configured lead time', async () => {
    const rx2 = await startReceiver();
    try {
      const w2 = workerFor(h, { exp: rx2.url }, { expiry_warning_seconds: 300 });
      const { r } = await autoGrant(h, { duration: '30m' });
      await w2.tick();
      const expiring = () => rx2.all.filter((x) => x.type === 'grant.expiring' && x.body.request_id === r.id);
      expect(expiring()).toHaveLength(0);
      h.clock.advance(26 * 60_000);
      await w2.tick();
      await w2.tick();
      expect(expiring()).toHaveLength(1);
      expect(expiring()[0]!.body.data.details.expires_at).toBe(
        new Date(Date.parse(r.expires_at!)).toISOString(),
      );
    } finally {
      await rx2.close();
      h.clock.advance(10 * 60_000);
    }
  });
});

describe('notifications config', () => {
  const base = { home: '/tmp/x', log: { level: 'silent' } };
  it('refuses a webhook without a secret, with a bad event filter, or with a duplicate name, naming the key', () => {
    expect(() =>
      parseConfig({ ...base, notifications: { webhooks: [{ name: 'a', url: 'https://x.example/h' }] } }),
    ).toThrow(/notifications\.webhooks\.0\.secrets/);
    expect(() =>
      parseConfig({
        ...base,
        notifications: {
          webhooks: [{ name: 'a', url: 'https://x.example/h', secrets: [S1], events: ['request.nope'] }],
        },
      }),
    ).toThrow(/notifications\.webhooks\.0\.events\.0/);
    expect(() =>
      parseConfig({
        ...base,
        notifications: { webhooks: [{ name: 'a', url: 'https://x.example/h', secrets: ['short'] }] },
      }),
    ).toThrow(/notifications\.webhooks\.0\.secrets\.0/);
    expect(() =>
      parseConfig({
        ...base,
        notifications: {
          webhooks: [
            { name: 'a', url: 'https://x.example/h', secrets: [S1] },
            { name: 'a', url: 'https://y.example/h', secrets: [S1] },
          ],
        },
      }),
    ).toThrow(/notifications\.webhooks/);
  });

  it('production mode refuses plain http to a non-loopback webhook, naming the key; loopback is fine', () => {
    const prod = (url: string) =>
      parseConfig({
        ...base,
        mode: 'production',
        http: { addr: '127.0.0.1:8080' },
        database: { url: 'postgres://db.example/jitsudo' },
        auth: { mode: 'oidc', oidc: { issuer: 'https://idp.example', audience: 'https://jitsudo.example' } },
        notifications: { webhooks: [{ name: 'a', url, secrets: [S1] }] },
      });
    expect(() => assertProductionSafe(prod('http://hooks.example.com/h'))).toThrow(
      /notifications\.webhooks\.0\.url: production mode requires https/,
    );
    expect(() => assertProductionSafe(prod('http://127.0.0.1:9000/h'))).not.toThrow();
    expect(() => assertProductionSafe(prod('https://hooks.example.com/h'))).not.toThrow();
  });

  it("reads secret_files at start-up (a missing file names its key) and signs with the file's secret", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jitsudo-secrets-'));
    const file = join(dir, 'next');
    writeFileSync(file, `${S2}\n`);
    const cfg = (files: string[]) =>
      parseConfig({
        ...base,
        notifications: {
          webhooks: [{ name: 'a', url: 'https://x.example/h', secrets: [S1], secret_files: files }],
        },
      });
    expect(() => configuredSinks({ config: cfg([join(dir, 'missing')]) })).toThrow(
      /notifications\.webhooks\.0\.secret_files\.0: cannot read/,
    );
    const rx = await startReceiver(S2);
    try {
      const config = parseConfig({
        ...cfg([file]),
        notifications: { webhooks: [{ name: 'a', url: rx.url, secrets: [S1], secret_files: [file] }] },
      });
      const [sink] = configuredSinks({ config });
      const r = await sink!.deliver(
        {
          id: 'evt_x',
          type: 'request.created',
          time: new Date().toISOString(),
          request_id: null,
          data: {},
          request: null,
          attempt: 1,
        },
        new AbortController().signal,
      );
      expect(r).toEqual({ ok: true });
      expect(rx.badSignatures).toBe(0);
      expect(rx.all[0]!.signature.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
    } finally {
      await rx.close();
    }
  });
});
