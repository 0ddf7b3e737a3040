/**
 * Issue 11 end to end: an agent asks over MCP (the SDK's client, real HTTP) → jitsudod's outbox
 * worker posts the request with Approve / Deny to the Slack fake → an approver's click, signed as
 * Slack signs it, is answered 200 within 3 s → the grant is issued → the message is updated in
 * place (who decided, the new state) → the requester (the agent's owner) gets DMs → a warning
 * 300 s before expiry → expiry → the final update. Time moves through core's clock (deps.now),
 * which the sweeper's and the outbox's due-queries read: no short grants, no sleeps.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warnExpiringGrants } from '../../src/core/outbox/expiring.js';
import { SlackFake } from '../fakes/slack-fake.js';
import { brokenAuditRow } from '../helpers/audit-chain.js';
import { testDatabases } from '../helpers/db.js';
import { type Jitsudod, startJitsudod } from '../helpers/jitsudod-stack.js';
import { ok, requestAccess } from '../helpers/mcp-client.js';
import { setTier } from '../helpers/principals.js';
import { eventually, postInteraction, slackClick } from '../helpers/slack-click.js';

const TOKEN = `xoxb-${randomBytes(8).toString('hex')}`;
const SECRET = `signing-${randomBytes(12).toString('hex')}`;
const CHANNEL = 'C0APPROVE';
const LEAD_S = 300;
const BOB = { id: 'U0BOB', name: 'bob', email: 'bob@example.com' };
const OLIVE = { id: 'U0OLIVE', name: 'olive', email: 'olive@example.com' };

describe.each(testDatabases())('Slack approval end to end on %s', (driver) => {
  let fake: SlackFake;
  let j: Jitsudod;
  let mcp: Client | undefined;

  beforeAll(async () => {
    fake = await new SlackFake({
      tokens: [TOKEN],
      channels: { approvals: CHANNEL },
      users: [BOB, OLIVE],
    }).start();
    j = await startJitsudod(driver, {
      notifications: {
        poll_interval_ms: 50,
        backoff_base_ms: 10,
        expiry_warning_seconds: LEAD_S,
        slack: {
          token: TOKEN,
          signing_secret: SECRET,
          api_url: fake.apiUrl,
          dm_requester: true,
          channels: [{ channel: 'approvals' }],
        },
      },
    });
  });
  afterAll(async () => {
    await mcp?.close();
    await j?.close();
    await fake?.stop();
  });

  it('request over MCP → Slack post → signed Approve → grant → update, DMs → warning → expiry', async () => {
    const bot = await j.agent(`e2e-bot-${randomBytes(3).toString('hex')}`, OLIVE.email);
    mcp = new Client({ name: 'e2e-agent', version: '1.0.0' });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${j.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${bot.token}` } },
      }),
    );
    const asked = ok(
      await requestAccess(mcp, {
        role: 'ReadOnlyAccess',
        reason: 'INC-311 read the audit logs',
        duration: '15m',
      }),
    ).request as { id: string; state: string; approver_tier: string };
    expect(asked).toMatchObject({ state: 'PENDING', approver_tier: 'human' });
    const id = asked.id;

    // The outbox worker posts it with the two buttons.
    const posted = await eventually('the Slack post', () =>
      fake.inChannel(CHANNEL).find((m) => JSON.stringify(m.blocks).includes(id)),
    );
    const buttons = posted.blocks!.find((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string }[];
    };
    expect(buttons.elements.map((e) => [e.action_id, e.value])).toEqual([
      ['jitsudo_approve', id],
      ['jitsudo_deny', id],
    ]);

    // bob has signed in to jitsudo before (a principal); his click is acknowledged within 3 s.
    await setTier(j.db.db, BOB.email, 1);
    const click = await postInteraction(j.url, slackClick(SECRET, BOB.id, 'jitsudo_approve', id));
    expect(click.status).toBe(200);
    expect(click.ms).toBeLessThan(3000);
    await eventually('the grant', async () => (await stateOf(id)) === 'ACTIVE');
    const approved = await j.rows(
      `select actor from audit_events where request_id = '${id}' and action = 'request.approved'`,
    );
    expect(approved).toEqual([{ actor: BOB.email }]);

    // The same message, updated in place: who decided and the new state, no buttons.
    const updates = () =>
      fake.http.requests
        .filter((r) => r.op === 'chat.update')
        .map((r) => new URLSearchParams(r.body))
        .filter((p) => p.get('ts') === posted.ts && p.get('channel') === CHANNEL);
    await eventually('the update to "Access granted"', () =>
      JSON.stringify(posted.blocks).includes('Access granted'),
    );
    const granted = JSON.stringify(posted.blocks);
    expect(granted).toContain(`Approved by ${BOB.email}`);
    expect(posted.blocks!.some((b) => b.type === 'actions')).toBe(false);
    expect(updates().length).toBeGreaterThanOrEqual(1);
    expect(fake.inChannel(CHANNEL).filter((m) => JSON.stringify(m.blocks).includes(id))).toHaveLength(1);

    // The requester (the agent's owner) is told by DM.
    const dms = () =>
      fake
        .inChannel(`D${OLIVE.id}`)
        .map((m) => m.text ?? '')
        .filter((t) => t.includes(id));
    await eventually('the approval and grant DMs', () => dms().some((t) => t.includes('is granted')));
    expect(dms().some((t) => t.includes(`was approved by ${BOB.email}`))).toBe(true);

    // The warning, LEAD_S before expiry, on core's clock: not yet while the grant has 15 min left.
    const expiresAt = new Date(
      String((await j.rows(`select expires_at from requests where id = '${id}'`))[0]!.expires_at),
    );
    expect(expiresAt.getTime() - j.now().getTime()).toBeGreaterThan(LEAD_S * 1000 + 60_000);
    // The worker's own query, run now: nothing is due yet (deterministic, unlike waiting for a pass).
    expect(await warnExpiringGrants(j.core.deps, 10)).toBe(0);
    expect(dms().some((t) => t.includes('ends soon'))).toBe(false);
    j.advance(expiresAt.getTime() - j.now().getTime() - (LEAD_S - 5) * 1000);
    const warning = await eventually('the "ends soon" DM', () => dms().find((t) => t.includes('ends soon')));
    expect(warning).toContain(`at ${expiresAt.toISOString()}`);
    expect(await stateOf(id)).toBe('ACTIVE');

    // Past the expiry: the sweeper revokes, the message shows the end, the requester is told.
    j.advance(LEAD_S * 1000);
    await eventually('the expiry', async () => (await stateOf(id)) === 'EXPIRED');
    await eventually('the final update', () => JSON.stringify(posted.blocks).includes('Ended'));
    expect(JSON.stringify(posted.history.at(-1))).toContain(`Approved by ${BOB.email}`);
    await eventually('the "has ended" DM', () => dms().some((t) => t.includes('has ended')));
    expect(dms().filter((t) => t.includes('ends soon'))).toHaveLength(1);
    expect(JSON.stringify(fake.http.requests)).not.toContain('mock-session-token');
    expect(await brokenAuditRow(j.db.db)).toBeNull();
  });

  const stateOf = async (id: string) =>
    String((await j.rows(`select state from requests where id = '${id}'`))[0]!.state);
});
