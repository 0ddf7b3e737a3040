/**
 * The Slack auth matrix (issue 11) against jitsudod as start-server wires it: each refused click —
 * forged, replayed, stale, unsigned, a Slack user with no jitsudo identity, one the policy refuses,
 * self-approval, an agent's controllers on the agent's request — gets its status, is told to the
 * clicker where Slack lets us (chat.postEphemeral), leaves exactly its audit row, and changes
 * nothing else: request state, approvals, grants, and the audit chain still verifies. Then the
 * bound on rows an unauthenticated sender can add (ADR 0056).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/actor.js';
import { SlackFake } from '../fakes/slack-fake.js';
import { registrar } from '../helpers/app-stack.js';
import { brokenAuditRow } from '../helpers/audit-chain.js';
import { testDatabases } from '../helpers/db.js';
import { type Jitsudod, startJitsudod } from '../helpers/jitsudod-stack.js';
import { setTier } from '../helpers/principals.js';
import {
  eventually,
  postInteraction,
  type SignedBody,
  slackClick,
  slackSigned,
  warmInteractions,
} from '../helpers/slack-click.js';

const TOKEN = `xoxb-${randomBytes(8).toString('hex')}`;
const SECRET = `signing-${randomBytes(12).toString('hex')}`;
const CH = 'C0APPROVE';
const BOT = `matrix-bot-${randomBytes(3).toString('hex')}`;
const U = {
  alice: { id: 'U0ALICE', name: 'alice', email: 'alice@example.com' },
  dave: { id: 'U0DAVE', name: 'dave', email: 'dave@example.com' },
  carol: { id: 'U0CAROL', name: 'carol', email: 'carol-nobody@example.com' },
  olive: { id: 'U0OLIVE', name: 'olive', email: 'olive@example.com' },
  reg: { id: 'U0REG', name: 'reg', email: registrar(BOT).identity },
};
const ALICE: Actor = {
  identity: U.alice.email,
  kind: 'human',
  groups: ['sre'],
  scopes: ['requester'],
  isAdmin: false,
};

interface Case {
  name: string;
  /** The request the click targets: alice's write role, or the agent's read-only one. */
  on: 'alice' | 'agent';
  /** The signed body (built when the case runs, so its timestamp is fresh). */
  send(id: string): SignedBody;
  status: number;
  audit: { action: string; actor: string; reason?: RegExp };
  /** What the clicker is told privately; undefined: nobody can be told (no verified user). */
  told?: { user: string; text: RegExp };
}

describe.each(testDatabases())('Slack auth matrix on %s', (driver) => {
  let fake: SlackFake;
  let j: Jitsudod;
  const ids = { alice: '', agent: '' };
  /** The self-approval click, sent once as a case and again as the replay. */
  let selfClick: SignedBody | undefined;

  beforeAll(async () => {
    fake = await new SlackFake({
      tokens: [TOKEN],
      channels: { approvals: CH },
      users: Object.values(U),
    }).start();
    j = await startJitsudod(driver, {
      notifications: {
        poll_interval_ms: 50,
        slack: {
          token: TOKEN,
          signing_secret: SECRET,
          api_url: fake.apiUrl,
          channels: [{ channel: 'approvals' }],
        },
      },
    });
    // Signed in before (principals); dave's tier is too low to approve a role that changes things.
    for (const u of [U.alice, U.dave, U.olive, U.reg]) await setTier(j.db.db, u.email, 0);
    const ask = { provider: 'mock', resource_scope: 'dev', duration: '15m' };
    ids.alice = (await j.core.createRequest(ALICE, { ...ask, role: 'admin', reason: 'INC-7 deploy fix' })).id;
    const bot = await j.agent(BOT, U.olive.email);
    ids.agent = (
      await j.core.createRequest(bot.actor, { ...ask, role: 'ReadOnlyAccess', reason: 'INC-7 logs' })
    ).id;
    for (const id of Object.values(ids)) expect(await stateOf(id)).toBe('PENDING');
    await warmInteractions(j.url, SECRET);
  });
  afterAll(async () => {
    await j?.close();
    await fake?.stop();
  });

  const stateOf = async (id: string) =>
    String((await j.rows(`select state from requests where id = '${id}'`))[0]!.state);
  const count = async (q: string) => Number((await j.rows(`select count(*) as n from ${q}`))[0]!.n);
  const refusedRows = (reason: string) =>
    j.rows(
      `select actor, actor_kind, request_id, details from audit_events where action = 'slack.interaction_refused' and details like '%"reason":"${reason}"%' order by id`,
    );
  const now = () => Math.floor(Date.now() / 1000);
  const unsigned = (id: string): SignedBody => {
    const s = slackClick(SECRET, U.dave.id, 'jitsudo_approve', id);
    const { 'x-slack-signature': _s, ...headers } = s.headers;
    return { body: s.body, headers };
  };

  const cases: Case[] = [
    {
      name: 'forged signature',
      on: 'alice',
      send: (id) =>
        slackClick(SECRET, U.dave.id, 'jitsudo_approve', id, { secret: 'not-the-signing-secret!' }),
      status: 401,
      audit: { action: 'slack.interaction_refused', actor: 'slack:unverified', reason: /"bad_signature"/ },
    },
    {
      name: 'stale timestamp (301 s old, correctly signed)',
      on: 'alice',
      send: (id) => slackClick(SECRET, U.dave.id, 'jitsudo_approve', id, { ts: now() - 301 }),
      status: 401,
      audit: { action: 'slack.interaction_refused', actor: 'slack:unverified', reason: /"stale_timestamp"/ },
    },
    {
      name: 'no signature',
      on: 'alice',
      send: unsigned,
      status: 401,
      audit: {
        action: 'slack.interaction_refused',
        actor: 'slack:unverified',
        reason: /"missing_signature"/,
      },
    },
    {
      name: 'Slack user with no jitsudo identity',
      on: 'alice',
      send: (id) => slackClick(SECRET, U.carol.id, 'jitsudo_approve', id),
      status: 200,
      audit: { action: 'slack.interaction_refused', actor: `slack:${U.carol.id}`, reason: /"unknown_user"/ },
      told: { user: U.carol.id, text: /does not know you/ },
    },
    {
      name: 'Slack user who may not approve (tier 0, write role)',
      on: 'alice',
      send: (id) => slackClick(SECRET, U.dave.id, 'jitsudo_approve', id),
      status: 200,
      // Core hides a request from who may not decide it (NOT_FOUND, unaudited by core: ADR 0047);
      // the Slack surface audits the click, which came from our own message (ADR 0056).
      audit: { action: 'slack.interaction_refused', actor: U.dave.email, reason: /"may_not_decide"/ },
      told: { user: U.dave.id, text: /approval was not recorded: .*not found/ },
    },
    {
      name: 'self-approval (the requester clicks)',
      on: 'alice',
      send: (id) => {
        selfClick = slackClick(SECRET, U.alice.id, 'jitsudo_approve', id);
        return selfClick;
      },
      status: 200,
      audit: { action: 'request.decision_refused', actor: U.alice.email, reason: /your own request/ },
      told: { user: U.alice.id, text: /your own request/ },
    },
    {
      name: 'replayed payload (the self-approval click, byte for byte)',
      on: 'alice',
      send: () => selfClick!,
      status: 401,
      audit: { action: 'slack.interaction_refused', actor: 'slack:unverified', reason: /"replayed"/ },
    },
    {
      name: "the agent's owner on the agent's request",
      on: 'agent',
      send: (id) => slackClick(SECRET, U.olive.id, 'jitsudo_approve', id),
      status: 200,
      audit: { action: 'request.decision_refused', actor: U.olive.email, reason: /agent you control/ },
      told: { user: U.olive.id, text: /made by an agent you control/ },
    },
    {
      name: "the agent's creator denying the agent's request",
      on: 'agent',
      send: (id) => slackClick(SECRET, U.reg.id, 'jitsudo_deny', id),
      status: 200,
      audit: { action: 'request.decision_refused', actor: U.reg.email, reason: /agent you control/ },
      told: { user: U.reg.id, text: /denial was not recorded: .*agent you control/ },
    },
  ];

  it.each(cases)('$name → $status, audited, told where possible, nothing changed', async (c) => {
    const id = ids[c.on];
    const before = {
      audit: await count('audit_events'),
      approvals: await count('approvals'),
      grants: j.mock.calls.grant,
      told: fake.ephemerals.length,
    };
    const res = await postInteraction(j.url, c.send(id));
    expect(res.status).toBe(c.status);
    expect(res.ms).toBeLessThan(3000);
    // Written after the answer: poll for exactly this one row, then check nothing else was.
    await eventually(`the ${c.audit.action} row`, async () => (await count('audit_events')) > before.audit);
    const added = await j.rows(
      `select action, actor, request_id, details from audit_events order by id desc limit ${(await count('audit_events')) - before.audit}`,
    );
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ action: c.audit.action, actor: c.audit.actor });
    if (c.audit.reason) expect(String(added[0]!.details)).toMatch(c.audit.reason);
    // An unverified request names nothing it claims (no request id, no Slack user).
    if (c.audit.actor === 'slack:unverified') expect(added[0]!.request_id).toBeNull();
    else expect(added[0]!.request_id).toBe(id);
    if (c.told) {
      const told = c.told;
      const msg = await eventually('the ephemeral answer', () =>
        fake.ephemerals.slice(before.told).find((e) => e.user === told.user),
      );
      expect(msg).toMatchObject({ channel: CH });
      expect(msg.text).toMatch(told.text);
    }
    expect(await stateOf(id)).toBe('PENDING');
    expect(await count(`approvals where request_id = '${id}'`)).toBe(0);
    expect(await count('approvals')).toBe(before.approvals);
    expect(j.mock.calls.grant).toBe(before.grants);
    expect(await count(`requests where granted_at is not null`)).toBe(0);
    expect(await brokenAuditRow(j.db.db)).toBeNull();
    if (!c.told) expect(fake.ephemerals.length).toBe(before.told);
  });

  it('an unauthenticated flood adds at most 5 rows per reason per minute; the next row carries the count', async () => {
    // A fresh window (core's clock): the cases above used this minute's budget of some reasons.
    j.advance(61_000);
    const before = (await refusedRows('bad_signature')).length;
    const forged = () =>
      slackClick(SECRET, U.dave.id, 'jitsudo_approve', ids.alice, {
        secret: `forged-${randomBytes(4).toString('hex')}`,
      });
    for (let i = 0; i < 12; i++) expect((await postInteraction(j.url, forged())).status).toBe(401);
    await eventually(
      'the five admitted rows',
      async () => (await refusedRows('bad_signature')).length >= before + 5,
    );
    j.advance(61_000);
    expect(
      (await postInteraction(j.url, slackSigned('wrong-secret-entirely', 'payload=%7B%7D'))).status,
    ).toBe(401);
    const rows = await eventually("the next window's row", async () => {
      const r = await refusedRows('bad_signature');
      return r.length > before + 5 ? r : undefined;
    });
    expect(rows).toHaveLength(before + 6);
    const last = JSON.parse(String(rows.at(-1)!.details)) as Record<string, unknown>;
    expect(last).toMatchObject({
      reason: 'bad_signature',
      suppressed: 7,
      bound: { rows: 5, window_seconds: 60 },
    });
    expect(rows.at(-1)).toMatchObject({
      actor: 'slack:unverified',
      actor_kind: 'unauthenticated',
      request_id: null,
    });
    // Nothing from the forged bodies reached the trail.
    expect(JSON.stringify(rows)).not.toContain(ids.alice);
    expect(await stateOf(ids.alice)).toBe('PENDING');
    expect(await brokenAuditRow(j.db.db)).toBeNull();
  });
});
