/**
 * Pruning notification transport (ADR 0057): settled outbox events and the Slack message refs of
 * requests that ended (and step-up links that expired) longer than notifications.retention_days ago
 * are deleted in bounded batches;
 * pending deliveries, open requests' messages, recent rows and the audit log are never touched.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { sqlRows } from '../../src/core/db/client.js';
import { pruneNotifications } from '../../src/core/outbox/prune.js';
import { rememberSlackMessage } from '../../src/core/outbox/slack-messages.js';
import type { Sink } from '../../src/notify/sink.js';
import { OutboxWorker } from '../../src/notify/worker.js';
import { type Harness, human, makeHarness, uniq } from '../core/requests/fixtures.js';
import { testDatabases } from '../helpers/db.js';

const DAY = 86_400_000;

/** A sink that takes every event except those of `refuse` (left pending: retried later). */
function sink(refuse: Set<string>): Sink {
  return {
    name: 'memo',
    wants: () => true,
    deliver: async (e) =>
      e.request_id && refuse.has(e.request_id)
        ? { ok: false, retryable: true, error: 'HTTP 503' }
        : { ok: true },
  };
}

const count = async (h: Harness, q: ReturnType<typeof sql>) =>
  Number((await sqlRows<{ n: number | string }>(h.db, q))[0]!.n);

describe.each(testDatabases())('notification pruning on %s', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(driver, { config: { notifications: { retention_days: 30 } } });
  });
  afterAll(() => h?.close());

  /** Events of `ids`, created `ageDays` before the test clock (the database's own now() is not the test's). */
  const age = (ids: string[], ageDays: number) =>
    h.db.execute(
      sql`update outbox_events set created_at = ${new Date(h.clock.t - ageDays * DAY).toISOString()}::timestamptz
        where request_id in (${sql.join(
          ids.map((i) => sql`${i}`),
          sql`, `,
        )})`,
    );

  it('deletes settled old events and ended requests’ Slack refs, batch by batch, and nothing else', async () => {
    const alice = human(uniq('alice'), ['sre']);
    // Five requests that ended 40 days ago (cancelled), one still pending, one ended yesterday.
    const old: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await h.ask(alice, { reason: `old ${i}` });
      await h.core.cancelRequest(alice, { id: r.id });
      old.push(r.id);
    }
    const stuck = (await h.ask(alice, { reason: 'stuck' })).id; // its delivery stays pending
    const open = (await h.ask(alice, { reason: 'open' })).id;
    const refuse = new Set([stuck]);
    // This worker only delivers: its own hourly prune keeps everything (the pass under test is below).
    const keep = parseConfig({ ...h.core.deps.config, notifications: { retention_days: 3650 } });
    const worker = new OutboxWorker({ ...h.core.deps, config: keep }, [sink(refuse)]);
    await worker.tick();
    for (const id of [...old, stuck, open])
      await rememberSlackMessage(h.core.deps, id, { channel: '#ops', channelId: 'C1', ts: `1.${id}` });
    h.clock.advance(40 * DAY);
    const recent = (await h.ask(alice, { reason: 'recent' })).id;
    await h.core.cancelRequest(alice, { id: recent });
    await rememberSlackMessage(h.core.deps, recent, { channel: '#ops', channelId: 'C1', ts: `1.${recent}` });
    await worker.tick();
    await age([...old, stuck, open], 40);
    await age([recent], 1);
    const oldEvents = await count(
      h,
      sql`select count(*) as n from outbox_events where request_id in (${sql.join(
        old.map((i) => sql`${i}`),
        sql`, `,
      )})`,
    );
    expect(oldEvents).toBe(10); // created + cancelled, each delivered
    const auditBefore = await count(h, sql`select count(*) as n from audit_events`);
    // Step-up links (ADR 0050): one expired 35 days ago (used or not, it is worthless), one yesterday.
    const link = (hash: string, expiredDaysAgo: number) =>
      h.db.execute(
        sql`insert into step_up_links (id_hash, request_id, decision, principal, expires_at)
          values (${hash}, ${open}, 'approve', 'bob@example.com', ${new Date(h.clock.t - expiredDaysAgo * DAY).toISOString()}::timestamptz)`,
      );
    await link('old-link', 35);
    await link('recent-link', 1);

    const r = await pruneNotifications(h.core.deps, { batch: 3 });
    // 10 of the old requests + the open one's created event (delivered long ago; the request is
    // still open, but its message ref stays — only the transport row goes).
    expect(r.events).toBe(11);
    expect(r.slack_messages).toBe(5);
    expect(r.step_up_links).toBe(1);
    const links = await sqlRows<{ id_hash: string }>(h.db, sql`select id_hash from step_up_links`);
    expect(links.map((l) => l.id_hash)).toEqual(['recent-link']);
    const left = await sqlRows<{ request_id: string; type: string }>(
      h.db,
      sql`select request_id, type from outbox_events order by request_id, id`,
    );
    expect(left.filter((e) => old.includes(e.request_id))).toEqual([]);
    expect(left.filter((e) => e.request_id === stuck).map((e) => e.type)).toEqual(['request.created']);
    expect(left.filter((e) => e.request_id === recent).map((e) => e.type)).toEqual([
      'request.created',
      'request.cancelled',
    ]);
    const refs = await sqlRows<{ request_id: string }>(h.db, sql`select request_id from slack_messages`);
    expect(refs.map((m) => m.request_id).sort()).toEqual([stuck, open, recent].sort());
    expect(await count(h, sql`select count(*) as n from audit_events`)).toBe(auditBefore);
    // A second pass finds nothing more.
    expect(await pruneNotifications(h.core.deps, { batch: 3 })).toEqual({
      events: 0,
      slack_messages: 0,
      step_up_links: 0,
    });
    await worker.stop();
  });

  it('the worker prunes on its own: a settled event past the retention is gone after a tick', async () => {
    const bob = human(uniq('bob'), ['sre']);
    const r = await h.ask(bob, { reason: 'by the worker' });
    await h.core.cancelRequest(bob, { id: r.id });
    await rememberSlackMessage(h.core.deps, r.id, { channel: '#ops', channelId: 'C1', ts: `2.${r.id}` });
    const config = parseConfig({ ...h.core.deps.config, notifications: { retention_days: 2 } });
    await age([r.id], 0);
    const worker = new OutboxWorker({ ...h.core.deps, config }, [sink(new Set())]);
    await worker.tick(); // delivered now; not old enough to prune
    expect(await count(h, sql`select count(*) as n from outbox_events where request_id = ${r.id}`)).toBe(2);
    h.clock.advance(3 * DAY);
    await age([r.id], 3);
    const fresh = new OutboxWorker({ ...h.core.deps, config }, [sink(new Set())]);
    await fresh.tick();
    expect(await count(h, sql`select count(*) as n from outbox_events where request_id = ${r.id}`)).toBe(0);
    expect(await count(h, sql`select count(*) as n from slack_messages where request_id = ${r.id}`)).toBe(0);
    await Promise.all([worker.stop(), fresh.stop()]);
  });
});
