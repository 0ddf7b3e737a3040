/**
 * Slack end to end on a real database, real HTTP and the official @slack/web-api client against
 * the local Slack fake: a pending request is posted with buttons to the channels its rule picks;
 * a signed click by an eligible approver approves through the core verb and the message updates in
 * place; forged, stale and replayed clicks, a Slack user jitsudo does not know, self-approval and a
 * group-restricted request are refused with nothing changed; rate limits are retried via the outbox.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/actor.js';
import { parseConfig } from '../../src/core/config.js';
import { sqlRows } from '../../src/core/db/client.js';
import type { CoreDeps } from '../../src/core/deps.js';
import { createAuthenticator } from '../../src/core/identity/index.js';
import { outboxStatus } from '../../src/core/outbox/status.js';
import type { ApprovalDecision, PolicyInput, PolicySet } from '../../src/core/policy/types.js';
import { touchPrincipal } from '../../src/core/principals/index.js';
import type { RequestView } from '../../src/core/requests/view.js';
import { createApp } from '../../src/http/app.js';
import { slackRoute, slackSinks } from '../../src/notify/slack/index.js';
import { OutboxWorker } from '../../src/notify/worker.js';
import { httpVerbs } from '../../src/server/verbs.js';
import {
  auditRows,
  type Harness,
  human,
  makeHarness,
  testPolicies,
  uniq,
} from '../core/requests/fixtures.js';
import { SlackFake } from '../fakes/slack-fake.js';
import { testDatabases } from '../helpers/db.js';
import { setTier } from '../helpers/principals.js';
import { type Served, serveApp } from '../helpers/real-http.js';

const TOKEN = `xoxb-test-${randomBytes(8).toString('hex')}`;
const SECRET = `signing-${randomBytes(12).toString('hex')}`;
const SRE = 'C0SRE0001';
const DB = 'C0DB00001';

/** testPolicies() plus the quorum and approver groups named in the request's metadata. */
function policies(): PolicySet {
  const base = testPolicies();
  return {
    ...base,
    approval(input: PolicyInput): ApprovalDecision {
      const m = input.request.metadata;
      return {
        ...base.approval(input),
        approvalsRequired: m.quorum ? Number(m.quorum) : 1,
        approverGroups: m.groups ? m.groups.split(',') : [],
      };
    },
  };
}

/** A block_actions payload as Slack builds it, form-encoded and signed (or not) like Slack signs. */
function click(
  user: string,
  action: string,
  requestId: string,
  o: { ts?: number; secret?: string; channel?: string } = {},
) {
  const payload = {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: '1700000001.000001', channel_id: o.channel ?? SRE },
    trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`,
    team: { id: 'T0TEAM', domain: 'example' },
    channel: { id: o.channel ?? SRE, name: 'sre-approvals' },
    response_url: 'https://hooks.slack.com/actions/T0TEAM/1/abc',
    actions: [
      { action_id: action, block_id: 'jitsudo_decision', value: requestId, type: 'button', action_ts: '1' },
    ],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const ts = String(o.ts ?? Math.floor(Date.now() / 1000));
  const sig = `v0=${createHmac('sha256', o.secret ?? SECRET)
    .update(`v0:${ts}:${body}`)
    .digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': sig,
    },
  };
}

async function until<T>(f: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(testDatabases())('slack on %s', (driver) => {
  let h: Harness;
  let fake: SlackFake;
  let served: Served;
  let deps: CoreDeps;
  let worker: OutboxWorker;
  const alice = human(uniq('alice'), ['sre']);
  const bob = human(uniq('bob'), ['sre', 'dba']);
  const users = { alice: 'U0ALICE', bob: 'U0BOB', carol: 'U0CAROL', nomail: 'U0NOMAIL' };

  const post = (c: ReturnType<typeof click>) =>
    fetch(`${served.url}/slack/interactions`, { method: 'POST', headers: c.headers, body: c.body });
  const stateOf = async (id: string) =>
    (await sqlRows<{ state: string }>(h.db, sql`select state from requests where id = ${id}`))[0]!.state;
  const approvalsOf = async (id: string) =>
    (
      await sqlRows<{ n: number }>(
        h.db,
        sql`select count(*)::int as n from approvals where request_id = ${id}`,
      )
    )[0]!.n;
  const messageOf = (id: string) =>
    fake.messages.find((m) => JSON.stringify(m.blocks).includes(id) && m.channel === SRE);
  const ask = (who: Actor, metadata: Record<string, string> = {}) =>
    h.ask(who, { reason: `INC-${randomBytes(2).toString('hex')}`, metadata });

  beforeAll(async () => {
    h = await makeHarness(driver, { policies: policies() });
    fake = await new SlackFake({
      tokens: [TOKEN],
      channels: { 'sre-approvals': SRE, 'db-approvals': DB },
      users: [
        { id: users.alice, name: 'alice', email: alice.identity },
        { id: users.bob, name: 'bob', email: bob.identity.toUpperCase() },
        { id: users.carol, name: 'carol', email: 'carol-nobody@example.com' },
        { id: users.nomail, name: 'bot' },
      ],
    }).start();
    const config = parseConfig({
      ...h.core.deps.config,
      notifications: {
        backoff_base_ms: 10,
        max_attempts: 4,
        slack: {
          token: TOKEN,
          signing_secret: SECRET,
          api_url: fake.apiUrl,
          dm_requester: true,
          channels: [
            { match: { provider: 'mock' }, channel: 'sre-approvals' },
            { match: { role: 'db-owner' }, channel: DB },
          ],
        },
      },
    });
    deps = { ...h.core.deps, config };
    worker = new OutboxWorker(deps, slackSinks(deps));
    const verbs = httpVerbs(h.core);
    const app = createApp({
      verbs,
      authenticator: createAuthenticator({ config, keys: deps.keys }),
      slack: slackRoute(deps, verbs, deps.log),
      mcp: false,
    });
    served = await serveApp(app);
    // People jitsudo knows: they have signed in through the IdP before (a principal row).
    for (const p of [alice, bob]) await touchPrincipal({ db: h.db }, p);
  });
  afterAll(async () => {
    await served?.close();
    await fake?.stop();
    await h?.close();
  });

  it('a pending request is posted with Approve / Deny to the channel its rule picks, and no other', async () => {
    const r = await ask(alice);
    await worker.tick();
    const m = messageOf(r.id);
    expect(m).toBeDefined();
    expect(
      fake.messages.filter((x) => x.channel === DB && JSON.stringify(x.blocks).includes(r.id)),
    ).toHaveLength(0);
    const actions = m!.blocks!.find((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string }[];
    };
    expect(actions.elements.map((e) => [e.action_id, e.value])).toEqual([
      ['jitsudo_approve', r.id],
      ['jitsudo_deny', r.id],
    ]);
    const text = JSON.stringify(m);
    expect(text).toContain(alice.identity);
    expect(text).toContain('0 of 1 approval');
    expect(text).not.toContain(TOKEN);
    // The bot token went in the Authorization header, as Slack requires.
    expect(fake.http.requests.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('a signed click by an eligible approver approves through core; the audit names them; the message updates', async () => {
    const r = await ask(alice);
    await worker.tick();
    const t0 = Date.now();
    const res = await post(click(users.bob, 'jitsudo_approve', r.id));
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(3000);
    await until(async () => (await stateOf(r.id)) === 'ACTIVE');
    const approved = (await auditRows(h.db, r.id)).find((a) => a.action === 'request.approved');
    expect(approved?.actor).toBe(bob.identity);
    await worker.tick();
    const m = messageOf(r.id)!;
    expect(m.history.length).toBeGreaterThanOrEqual(2);
    expect(m.blocks!.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(m.blocks)).toContain(`Approved by ${bob.identity}`);
    // The requester is told by DM (found with users.lookupByEmail), once per event.
    const dms = fake.inChannel(`D${users.alice}`).filter((x) => x.text?.includes(r.id));
    expect(dms.map((x) => x.text)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`was approved by ${bob.identity}`),
        expect.stringContaining('is granted: access is active'),
      ]),
    );
    expect(dms).toHaveLength(2);
  });

  it('two events of one request delivered side by side: the later one updates the message the first posted', async () => {
    const r = await ask(alice);
    const sink = slackSinks(deps)[0]!;
    const pending = (await h.core.getRequest(alice, { id: r.id })) as RequestView;
    await h.core.approveRequest(bob, { id: r.id, comment: 'ok' });
    const active = (await h.core.getRequest(alice, { id: r.id })) as RequestView;
    expect(active.state).toBe('ACTIVE');
    const ev = (type: string, request: RequestView) => ({
      id: `evt_${randomBytes(6).toString('hex')}`,
      type,
      time: new Date().toISOString(),
      request_id: r.id,
      data: { actor: alice.identity },
      request,
      attempt: 1,
    });
    const signal = new AbortController().signal;
    const out = await Promise.all([
      sink.deliver(ev('request.created', pending), signal),
      sink.deliver(ev('request.approved', active), signal),
    ]);
    expect(out).toEqual([{ ok: true }, { ok: true }]);
    const m = messageOf(r.id)!;
    expect(m.history).toHaveLength(2);
    expect(m.blocks!.some((b) => b.type === 'actions')).toBe(false);
  });

  it('shows N-of-M progress: "1 of 2 approvals: bob" after the first Slack approval', async () => {
    const r = await ask(alice, { quorum: '2' });
    await worker.tick();
    expect((await post(click(users.bob, 'jitsudo_approve', r.id))).status).toBe(200);
    await until(async () => (await approvalsOf(r.id)) === 1);
    await worker.tick();
    const m = messageOf(r.id)!;
    expect(JSON.stringify(m.blocks)).toContain(`1 of 2 approvals: ${bob.identity}`);
    expect(m.blocks!.some((b) => b.type === 'actions')).toBe(true);
    expect(await stateOf(r.id)).toBe('PENDING');
  });

  it('refuses a forged signature, a stale timestamp and a replayed click: 401, nothing changed', async () => {
    const r = await ask(alice);
    expect(
      (await post(click(users.bob, 'jitsudo_approve', r.id, { secret: 'not-the-secret-at-all' }))).status,
    ).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 301;
    expect((await post(click(users.bob, 'jitsudo_approve', r.id, { ts: stale }))).status).toBe(401);
    // The same signed bytes twice: the first is a (refused) click by carol, the second never runs.
    const c = click(users.carol, 'jitsudo_approve', r.id);
    expect((await post(c)).status).toBe(200);
    expect((await post(c)).status).toBe(401);
    await until(async () => fake.ephemerals.some((e) => e.user === users.carol));
    expect(fake.ephemerals.filter((e) => e.user === users.carol)).toHaveLength(1);
    expect(await stateOf(r.id)).toBe('PENDING');
    expect(await approvalsOf(r.id)).toBe(0);
  });

  it('a Slack user jitsudo does not know (unknown email, no email) changes nothing and is told why', async () => {
    const r = await ask(alice);
    for (const u of [users.carol, users.nomail]) {
      const before = fake.ephemerals.filter((e) => e.user === u).length;
      expect((await post(click(u, 'jitsudo_approve', r.id))).status).toBe(200);
      await until(async () => fake.ephemerals.filter((e) => e.user === u).length > before);
      expect(fake.ephemerals.filter((e) => e.user === u).at(-1)!.text).toContain('does not know you');
    }
    expect(await stateOf(r.id)).toBe('PENDING');
    expect(await approvalsOf(r.id)).toBe(0);
  });

  it('self-approval from Slack is refused by core; a group-restricted request fails closed', async () => {
    const own = await ask(alice);
    expect((await post(click(users.alice, 'jitsudo_approve', own.id))).status).toBe(200);
    await until(async () => fake.ephemerals.some((e) => e.user === users.alice));
    expect(fake.ephemerals.find((e) => e.user === users.alice)!.text).toMatch(/your own request/);
    // bob is in dba at the IdP, but a Slack click carries no groups: refused, not guessed.
    const dba = await ask(alice, { groups: 'dba' });
    const before = fake.ephemerals.filter((e) => e.user === users.bob).length;
    expect((await post(click(users.bob, 'jitsudo_deny', dba.id))).status).toBe(200);
    await until(async () => fake.ephemerals.filter((e) => e.user === users.bob).length > before);
    // Core hides a request from who may not decide it (NOT_FOUND) or names the groups: either way, refused.
    expect(fake.ephemerals.at(-1)!.text).toMatch(/denial was not recorded: .*(not found|groups dba)/);
    for (const id of [own.id, dba.id]) {
      expect(await stateOf(id)).toBe('PENDING');
      expect(await approvalsOf(id)).toBe(0);
    }
  });

  it('answers malformed, oversized, unknown-action and unsigned bodies with 4xx/200 and changes nothing', async () => {
    const r = await ask(alice);
    const sign = (body: string) => {
      const ts = String(Math.floor(Date.now() / 1000));
      return {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': ts,
        'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`,
      };
    };
    const send = (body: string) =>
      fetch(`${served.url}/slack/interactions`, { method: 'POST', headers: sign(body), body });
    expect((await send('payload=%7Bnot-json')).status).toBe(400);
    expect(
      (await send(`payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: {} }))}`))
        .status,
    ).toBe(400);
    expect((await send(`payload=${'x'.repeat(70_000)}`)).status).toBe(413);
    expect((await post(click(users.bob, 'something_else', r.id))).status).toBe(200);
    expect(
      (await fetch(`${served.url}/slack/interactions`, { method: 'POST', body: 'payload={}' })).status,
    ).toBe(415);
    const unsigned = await fetch(`${served.url}/slack/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payload={}',
    });
    expect(unsigned.status).toBe(401);
    expect(await stateOf(r.id)).toBe('PENDING');
    expect(await approvalsOf(r.id)).toBe(0);
  });

  it('break-glass posts a loud alert to every configured channel, whatever the rules match', async () => {
    const eve = human(uniq('eve'));
    await setTier(h.db, eve.identity, 4);
    const r = await h.ask(eve, { reason: 'prod down <!channel>', break_glass: true });
    await worker.tick();
    for (const ch of [SRE, DB]) {
      const alert = fake.inChannel(ch).find((m) => JSON.stringify(m.blocks).includes(r.id));
      expect(alert?.text).toContain('BREAK-GLASS');
      // The requester's text cannot ping the channel: only our own <!here> is a mention.
      expect(JSON.stringify(alert!.blocks)).toContain('prod down &lt;!channel&gt;');
    }
  });

  it('ratelimited is retried through the outbox no sooner than Retry-After; then the post lands', async () => {
    const r = await ask(alice);
    fake.rateLimitNext('chat.postMessage', 30);
    await worker.tick();
    expect(messageOf(r.id)).toBeUndefined();
    const [row] = await sqlRows<{ state: string; last_error: string; next_attempt_at: Date | string }>(
      h.db,
      sql`select d.state, d.last_error, d.next_attempt_at from outbox_deliveries d join outbox_events e on e.id = d.event_id
          where e.request_id = ${r.id} and d.sink = 'slack'`,
    );
    expect(row).toMatchObject({ state: 'pending', last_error: 'slack chat.postMessage: ratelimited' });
    expect(new Date(row!.next_attempt_at).getTime() - h.clock.t).toBeGreaterThanOrEqual(30_000);
    h.clock.advance(29_000);
    await worker.tick();
    expect(messageOf(r.id)).toBeUndefined();
    h.clock.advance(2_000);
    await worker.tick();
    expect(messageOf(r.id)).toBeDefined();
  });

  it('a 5xx is retried; a bad token is permanent and visible in the outbox status', async () => {
    const r = await ask(alice);
    fake.failNext('chat.postMessage', 503);
    await worker.tick();
    expect(messageOf(r.id)).toBeUndefined();
    h.clock.advance(5_000);
    await worker.tick();
    expect(messageOf(r.id)).toBeDefined();

    const bad = parseConfig({
      ...deps.config,
      notifications: {
        ...deps.config.notifications,
        slack: { ...deps.config.notifications.slack!, token: 'xoxb-wrong' },
      },
    });
    const badDeps = { ...deps, config: bad };
    const badWorker = new OutboxWorker(badDeps, slackSinks(badDeps));
    const r2 = await ask(alice);
    await badWorker.tick();
    expect(messageOf(r2.id)).toBeUndefined();
    const slack = (await outboxStatus(badDeps)).sinks.find((s) => s.sink === 'slack')!;
    expect(slack.dead).toBeGreaterThanOrEqual(1);
    expect(slack.last_error).toBe('slack chat.postMessage: invalid_auth');
    expect(JSON.stringify(slack)).not.toContain('xoxb');
  });
});
