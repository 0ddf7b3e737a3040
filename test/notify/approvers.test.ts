/**
 * Notifying resolved approvers (ADR 0057): groups remembered from a person's last authenticated
 * call, candidates per request (approver groups, or trust tier when it names none; admins by email
 * for the admin group), never the requester, the agent's controllers or who already decided, capped
 * with a note in the outbox status; Slack DMs (dm_approvers) through the official client against the
 * local Slack fake, and email (to_approvers) to a real SMTP server. Candidates only: the decision is
 * still core's (a DMed person outside the group is refused like anyone).
 */

import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/actor.js';
import { parseConfig } from '../../src/core/config.js';
import { sqlRows } from '../../src/core/db/client.js';
import type { CoreDeps } from '../../src/core/deps.js';
import { approverCandidates } from '../../src/core/outbox/approvers.js';
import { outboxStatus } from '../../src/core/outbox/status.js';
import type { ApprovalDecision, PolicyInput, PolicySet } from '../../src/core/policy/types.js';
import { touchPrincipal } from '../../src/core/principals/index.js';
import { rememberedGroups } from '../../src/core/principals/touch-principal.js';
import { configuredSinks } from '../../src/notify/index.js';
import { slackSinks } from '../../src/notify/slack/index.js';
import { OutboxWorker } from '../../src/notify/worker.js';
import {
  agent,
  appError,
  type Harness,
  human,
  makeHarness,
  testPolicies,
  uniq,
} from '../core/requests/fixtures.js';
import { SlackFake } from '../fakes/slack-fake.js';
import { testDatabases } from '../helpers/db.js';
import { setTier } from '../helpers/principals.js';

const TOKEN = `xoxb-approvers-${randomBytes(6).toString('hex')}`;
const SECRET = `signing-${randomBytes(12).toString('hex')}`;

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

const group = (name: string) => `${name}-${randomBytes(3).toString('hex')}`;

describe.each(testDatabases())('resolved approvers on %s', (driver) => {
  let h: Harness;
  /** People "seen" one second apart, so most-recently-seen order is known. */
  let seenAt = Date.parse('2030-01-01T08:00:00.000Z');
  const seen = (who: Actor) => {
    seenAt += 1000;
    const at = new Date(seenAt);
    return touchPrincipal({ db: h.db, now: () => at }, who);
  };
  const groupsOf = async (identity: string) =>
    (
      await sqlRows<{ groups: string[] | string }>(
        h.db,
        sql`select groups from principals where identity = ${identity}`,
      )
    ).map((r) => (typeof r.groups === 'string' ? JSON.parse(r.groups) : r.groups))[0];
  const depsWith = (notifications: Record<string, unknown>, auth?: Record<string, unknown>): CoreDeps => ({
    ...h.core.deps,
    config: parseConfig({
      ...h.core.deps.config,
      ...(auth ? { auth: { ...h.core.deps.config.auth, ...auth } } : {}),
      notifications: { backoff_base_ms: 10, max_attempts: 4, ...notifications },
    }),
  });

  beforeAll(async () => {
    h = await makeHarness(driver, { policies: policies() });
  });
  afterAll(() => h?.close());

  it('remembers the groups of a person’s last authenticated call (sorted); a call without groups keeps them', async () => {
    const dana = human(uniq('dana'), ['sre', 'dba', 'sre']);
    await h.ask(dana, { role: 'ReadOnly' }); // activity through a core verb records the principal
    expect(await groupsOf(dana.identity)).toEqual(['dba', 'sre']);
    // A Slack click's actor carries no groups (Slack cannot vouch for them): nothing is forgotten.
    await touchPrincipal({ db: h.db, now: () => new Date(Date.now() + 3600_000) }, { ...dana, groups: [] });
    expect(await groupsOf(dana.identity)).toEqual(['dba', 'sre']);
    // New groups are taken at once, even within the minute the last-seen write is skipped.
    await touchPrincipal({ db: h.db }, { ...dana, groups: ['ops'] });
    expect(await groupsOf(dana.identity)).toEqual(['ops']);
    // Agents and services are never approvers to notify: no groups kept for them.
    expect(rememberedGroups({ kind: 'agent', groups: ['sre'] })).toEqual([]);
    expect(rememberedGroups({ kind: 'service', groups: ['sre'] })).toEqual([]);
  });

  it('candidates: group members, most recently seen first; never the requester, the agent’s controllers or who decided; capped', async () => {
    const dba = group('dba');
    const [m1, m2, m3, m4] = ['m1', 'm2', 'm3', 'm4'].map((n) => human(uniq(n), [dba, 'eng']));
    const outsider = human(uniq('outsider'), ['eng']);
    await setTier(h.db, outsider.identity, 4); // a high tier does not make them a group approver
    const owner = human(uniq('owner'), [dba]);
    const creator = human(uniq('creator'), [dba]);
    for (const p of [m1!, m2!, m3!, m4!, outsider, owner, creator]) await seen(p);
    const deps = depsWith({ approvers: { max_recipients: 10 } });

    // A person's request: everyone in the group but the requester (m1).
    const r = await h.ask(m1!, { role: 'ReadOnly', metadata: { groups: dba, quorum: '2' } });
    expect(r.approver_tier).toBe('human');
    const all = [m4, m3, m2, owner, creator].map((p) => p!.identity);
    expect(await approverCandidates(deps, r.id)).toEqual({
      emails: [creator.identity, owner.identity, m4!.identity, m3!.identity, m2!.identity],
      total: 5,
      capped: false,
    });
    expect(all.sort()).toEqual((await approverCandidates(deps, r.id)).emails.sort());
    // m3 approves (1 of 2): no longer a candidate.
    await h.core.approveRequest(m3!, { id: r.id, comment: 'one' });
    expect((await approverCandidates(deps, r.id)).emails).not.toContain(m3!.identity);

    // An agent's request: its owner and its creator are its controllers, never its approvers.
    const bot = agent(uniq('bot'), owner.identity, ['sre']);
    bot.agent!.createdBy = creator.identity.toUpperCase();
    const ra = await h.ask(bot, { role: 'ReadOnly', metadata: { groups: dba } });
    const forAgent = await approverCandidates(deps, ra.id);
    expect([...forAgent.emails].sort()).toEqual([m1, m2, m3, m4].map((p) => p!.identity).sort());
    expect(forAgent).toMatchObject({ total: 4, capped: false });

    // Capped: the most recently seen first, and the total says how many more there were.
    const capped = await approverCandidates(depsWith({ approvers: { max_recipients: 2 } }), ra.id);
    expect(capped).toEqual({ emails: forAgent.emails.slice(0, 2), total: 4, capped: true });

    // Decided: nobody to tell.
    await h.core.denyRequest(m2!, { id: ra.id, reason: 'no' });
    expect(await approverCandidates(deps, ra.id)).toEqual({ emails: [], total: 0, capped: false });
  });

  it('candidates without approver groups: trust tier at least min_trust_tier; admins by email for the admin group', async () => {
    const t4 = human(uniq('t4'), []);
    const t1 = human(uniq('t1'), []);
    const asker = human(uniq('asker'), ['sre']);
    for (const p of [t4, t1, asker]) await seen(p);
    await setTier(h.db, t4.identity, 4);
    await setTier(h.db, t1.identity, 1);
    await setTier(h.db, asker.identity, 4);
    const deps = depsWith({ approvers: { min_trust_tier: 4 } });
    const r = await h.ask(asker, { metadata: {} });
    const c = await approverCandidates(deps, r.id);
    expect(c.emails).toContain(t4.identity);
    expect(c.emails).not.toContain(t1.identity);
    expect(c.emails).not.toContain(asker.identity);

    const boss = human(uniq('boss'), []);
    await seen(boss);
    const admins = depsWith({}, { admin_emails: [boss.identity.toUpperCase()] });
    const ra = await h.ask(asker, { metadata: { groups: 'jitsudo-admins' } });
    expect((await approverCandidates(admins, ra.id)).emails).toEqual([boss.identity]);
    const rb = await h.ask(asker, { metadata: { groups: group('other') } });
    expect((await approverCandidates(admins, rb.id)).emails).toEqual([]);
  });

  describe('Slack DMs and approver emails', () => {
    let fake: SlackFake;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    beforeAll(async () => {
      fake = await new SlackFake({ tokens: [TOKEN], channels: { approvals: 'C0APPROVALS' } }).start();
      smtp = await startSmtp();
    });
    afterAll(async () => {
      await fake?.stop();
      await smtp?.close();
    });

    it('DMs each approver Slack knows (not the requester), updates the DMs, mails them; a cap is noted in the status', async () => {
      const ops = group('ops');
      const [asker, a1, a2, a3, nobody] = ['asker', 'a1', 'a2', 'a3', 'noslack'].map((n) =>
        human(uniq(n), [ops]),
      );
      for (const p of [asker!, a1!, a2!, a3!, nobody!]) await seen(p);
      const ids = new Map<string, string>();
      for (const p of [asker!, a1!, a2!, a3!]) {
        const id = `U0${randomBytes(4).toString('hex').toUpperCase()}`;
        ids.set(p.identity, id);
        fake.addUser({ id, name: p.identity, email: p.identity });
      }
      const userOf = (p: Actor) => ids.get(p.identity)!;
      const deps = depsWith({
        approvers: { max_recipients: 3 },
        slack: {
          token: TOKEN,
          signing_secret: SECRET,
          api_url: fake.apiUrl,
          dm_approvers: true,
          channels: [{ channel: 'approvals' }],
        },
        email: {
          smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' },
          from: 'jitsudo@example.com',
          to_approvers: true,
        },
      });
      const worker = new OutboxWorker(deps, [...configuredSinks(deps), ...slackSinks(deps)]);
      try {
        const r = await h.ask(asker!, { role: 'ReadOnly', metadata: { groups: ops } });
        await worker.tick();
        // 4 candidates (a1, a2, a3, noslack), capped at 3: the most recently seen — noslack, a3, a2.
        const dms = fake.messages.filter(
          (m) => m.channel.startsWith('D') && JSON.stringify(m.blocks).includes(r.id),
        );
        expect(dms.map((m) => m.channel).sort()).toEqual([`D${userOf(a2!)}`, `D${userOf(a3!)}`].sort());
        expect(fake.messages.some((m) => m.channel === `D${userOf(asker!)}`)).toBe(false);
        expect(fake.inChannel('C0APPROVALS').some((m) => JSON.stringify(m.blocks).includes(r.id))).toBe(true);
        const mail = smtp.mails.find((m) => m.raw.includes(r.id))!;
        expect(mail.to.sort()).toEqual([nobody!.identity, a3!.identity, a2!.identity].sort());
        const st = await outboxStatus(deps);
        for (const sink of ['slack', 'email'])
          expect(st.sinks.find((s) => s.sink === sink)?.last_note).toBe(
            'approvers capped: notified 3 of 4 candidates (notifications.approvers.max_recipients)',
          );

        // A decision updates every message, the DMs included (their buttons go); no new DM is sent.
        await h.core.approveRequest(a2!, { id: r.id, comment: 'ok' });
        await worker.tick();
        const after = fake.messages.filter(
          (m) => m.channel.startsWith('D') && JSON.stringify(m.blocks).includes(r.id),
        );
        expect(after.length).toBe(2);
        for (const m of after) {
          expect(m.history.length).toBeGreaterThanOrEqual(2);
          expect(JSON.stringify(m.blocks)).not.toContain('jitsudo_approve');
        }
        // Notification is not authority: a DMed person outside the group would still be refused by core.
        const stranger = human(uniq('stranger'), ['eng']);
        const r2 = await h.ask(asker!, { role: 'ReadOnly', metadata: { groups: ops } });
        expect((await appError(h.core.approveRequest(stranger, { id: r2.id }))).code).toBe('NOT_FOUND'); // not in the group: the request is not even theirs to see
        expect((await h.core.getRequest(asker!, { id: r2.id })).state).toBe('PENDING');
      } finally {
        await worker.stop();
      }
    });
  });
});

/** A real SMTP server (no TLS, no auth) that keeps every message. */
async function startSmtp() {
  const mails: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    closeTimeout: 100,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { mails, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
