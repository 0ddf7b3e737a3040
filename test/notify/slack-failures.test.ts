/**
 * Slack's bad days and bad input, against jitsudod as start-server wires it (issue 11): Slack's API
 * answering `ratelimited` (429 + Retry-After), 5xx or hanging — on the click path the clicker is
 * acknowledged within 3 s and told to retry, nothing recorded; on the delivery path the outbox
 * retries (no sooner than Retry-After, on core's clock) and no event is lost or told twice — and
 * interaction bodies no earlier test sends (chunked and oversized, JSON that is not an object, two
 * payload fields, an over-long action value), each a clear 4xx or an acknowledged no-op, never a 500.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/actor.js';
import { SlackFake } from '../fakes/slack-fake.js';
import { testDatabases } from '../helpers/db.js';
import { type Jitsudod, startJitsudod } from '../helpers/jitsudod-stack.js';
import { setTier } from '../helpers/principals.js';
import { send } from '../helpers/real-http.js';
import {
  eventually,
  postInteraction,
  slackClick,
  slackSigned,
  warmInteractions,
} from '../helpers/slack-click.js';

const TOKEN = `xoxb-${randomBytes(8).toString('hex')}`;
const SECRET = `signing-${randomBytes(12).toString('hex')}`;
const CH = 'C0APPROVE';
const ALICE = { id: 'U0ALICE', name: 'alice', email: 'alice@example.com' };
const BOB = { id: 'U0BOB', name: 'bob', email: 'bob@example.com' };
const alice: Actor = {
  identity: ALICE.email,
  kind: 'human',
  groups: ['sre'],
  scopes: ['requester'],
  isAdmin: false,
};

describe.each(testDatabases())('Slack failures and bad input on %s', (driver) => {
  let fake: SlackFake;
  let j: Jitsudod;

  beforeAll(async () => {
    fake = await new SlackFake({ tokens: [TOKEN], channels: { approvals: CH }, users: [ALICE, BOB] }).start();
    j = await startJitsudod(driver, {
      notifications: {
        poll_interval_ms: 50,
        backoff_base_ms: 10,
        slack: {
          token: TOKEN,
          signing_secret: SECRET,
          api_url: fake.apiUrl,
          dm_requester: true,
          // Every lookup goes to Slack: the click-path faults below must meet a real call.
          user_cache_seconds: 0,
          channels: [{ channel: 'approvals' }],
        },
      },
    });
    await setTier(j.db.db, ALICE.email, 0);
    await setTier(j.db.db, BOB.email, 2);
    await warmInteractions(j.url, SECRET);
  });
  afterAll(async () => {
    await j?.close();
    await fake?.stop();
  });

  const stateOf = async (id: string) =>
    String((await j.rows(`select state from requests where id = '${id}'`))[0]!.state);
  const count = async (q: string) => Number((await j.rows(`select count(*) as n from ${q}`))[0]!.n);
  const ask = async () => {
    const r = await j.core.createRequest(alice, {
      provider: 'mock',
      role: 'admin',
      resource_scope: 'dev',
      duration: '1h',
      reason: `INC-${randomBytes(2).toString('hex')}`,
    });
    const posted = await eventually('the Slack post', () =>
      fake.inChannel(CH).find((m) => JSON.stringify(m.blocks).includes(r.id)),
    );
    return { id: r.id, posted };
  };
  const deliveries = (id: string) =>
    j.rows(
      `select e.type, d.state, d.attempts, d.last_error, d.next_attempt_at from outbox_deliveries d join outbox_events e on e.id = d.event_id where e.request_id = '${id}' and d.sink = 'slack' order by e.id`,
    );

  it('a click while users.info is rate limited, failing or hanging: 200 within 3 s, told to retry, nothing recorded', async () => {
    const { id } = await ask();
    const audit = await count('audit_events');
    const toldBob = () => fake.ephemerals.filter((e) => e.user === BOB.id);
    fake.rateLimitNext('users.info', 30);
    fake.failNext('users.info', 503);
    for (let i = 1; i <= 2; i++) {
      const r = await postInteraction(
        j.url,
        slackClick(SECRET, BOB.id, 'jitsudo_approve', id, { channel: CH }),
      );
      expect(r).toMatchObject({ status: 200 });
      expect(r.ms).toBeLessThan(3000);
      await eventually(`the answer to click ${i}`, () => toldBob().length >= i);
    }
    expect(toldBob().map((e) => e.text)).toEqual([
      expect.stringContaining('could not look you up in Slack just now; nothing was recorded'),
      expect.stringContaining('could not look you up in Slack just now; nothing was recorded'),
    ]);
    // Slack hangs: the answer does not wait for it (the lookup runs after the acknowledgement).
    fake.http.inject('users.info', { kind: 'hang' });
    const hung = await postInteraction(j.url, slackClick(SECRET, BOB.id, 'jitsudo_approve', id));
    expect(hung).toMatchObject({ status: 200 });
    expect(hung.ms).toBeLessThan(3000);
    await eventually('the hung lookup to reach Slack', () => fake.http.count('users.info') >= 3);
    expect(await stateOf(id)).toBe('PENDING');
    expect(await count(`approvals where request_id = '${id}'`)).toBe(0);
    // Slack's trouble is not the clicker's: no refusal is audited for it.
    expect(await count('audit_events')).toBe(audit);
    // Slack recovered: the next click approves.
    expect((await postInteraction(j.url, slackClick(SECRET, BOB.id, 'jitsudo_approve', id))).status).toBe(
      200,
    );
    await eventually('the grant', async () => (await stateOf(id)) === 'ACTIVE');
  });

  it('chat.update rate limited and a DM lookup failing: retried (Retry-After on core time), nothing lost or told twice', async () => {
    const { id, posted } = await ask();
    // Earlier tests' deliveries first: the faults below are meant for this request's calls.
    await eventually('the outbox to settle', async () => {
      const busy = await count(`outbox_events where not dispatched`);
      return busy + (await count(`outbox_deliveries where state = 'pending'`)) === 0;
    });
    fake.rateLimitNext('chat.update', 30);
    fake.failNext('users.lookupByEmail', 503);
    await j.core.approveRequest(
      { ...alice, identity: BOB.email, groups: ['sre-leads'] },
      { id, comment: 'ok' },
    );
    await eventually('the rate-limited update recorded', async () =>
      (await deliveries(id)).some((d) => String(d.last_error).includes('chat.update: ratelimited')),
    );
    const limited = (await deliveries(id)).find((d) => String(d.last_error).includes('ratelimited'))!;
    expect(limited.state).toBe('pending');
    // Not before Retry-After (30 s, on core's clock).
    expect(new Date(String(limited.next_attempt_at)).getTime() - j.now().getTime()).toBeGreaterThan(25_000);
    j.advance(31_000);
    await eventually('every Slack delivery of the request delivered', async () => {
      const ds = await deliveries(id);
      return ds.length >= 3 && ds.every((d) => d.state === 'delivered');
    });
    expect(JSON.stringify(posted.blocks)).toContain('Access granted');
    const dms = fake
      .inChannel(`D${ALICE.id}`)
      .map((m) => m.text ?? '')
      .filter((t) => t.includes(id));
    expect(dms.filter((t) => t.includes('was approved'))).toHaveLength(1);
    expect(dms.filter((t) => t.includes('is granted'))).toHaveLength(1);
  });

  it('bad bodies: chunked oversized → 413, odd JSON → acknowledged, two fields or a long value → 400; never 500', async () => {
    const { id } = await ask();
    const audit = await count('audit_events');
    const chunked = (body: string) =>
      send(`${j.url}/slack/interactions`, {
        method: 'POST',
        headers: { ...slackSigned(SECRET, body).headers, 'transfer-encoding': 'chunked' },
        body,
      });
    // No Content-Length to judge by: counted as it streams (route limit 64 KiB, app limit 1 MiB).
    expect((await chunked(`payload=${'x'.repeat(100_000)}`)).status).toBe(413);
    expect((await chunked(`payload=${'x'.repeat(2_000_000)}`)).status).toBe(413);
    const signed = async (body: string) => (await postInteraction(j.url, slackSigned(SECRET, body))).status;
    expect(await signed('payload=null')).toBe(200);
    expect(await signed('payload=%5B%5D')).toBe(200);
    expect(await signed(`payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission' }))}`)).toBe(
      200,
    );
    const one = slackClick(SECRET, BOB.id, 'jitsudo_deny', id).body;
    expect(await signed(`${one}&${one}`)).toBe(400);
    expect(await signed(slackClick(SECRET, BOB.id, 'jitsudo_deny', 'r'.repeat(65)).body)).toBe(400);
    expect(await stateOf(id)).toBe('PENDING');
    // Refused for their shape, not their sender: nothing audited (ADR 0056).
    expect(await count('audit_events')).toBe(audit);
  });
});
