/**
 * Slack as jitsudod wires it (startServer → core-app → notifyBackground), against the local Slack
 * fake: a request made over HTTP is posted with buttons by the running worker, a signed click on
 * /slack/interactions approves it through core, and the same message is updated in place.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { mintDevToken } from '../../src/core/identity/index.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';
import { SlackFake } from '../fakes/slack-fake.js';
import { setTier } from '../helpers/principals.js';
import { until } from './receiver.js';

const TOKEN = `xoxb-${randomBytes(8).toString('hex')}`;
const SECRET = `signing-${randomBytes(12).toString('hex')}`;

describe('jitsudod with notifications.slack', () => {
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-slack-'));
  let fake: SlackFake;
  let server: RunningServer;

  beforeAll(async () => {
    fake = await new SlackFake({
      tokens: [TOKEN],
      channels: { approvals: 'C0APPROVE' },
      users: [{ id: 'U0BOB', name: 'bob', email: 'bob@example.com' }],
    }).start();
    server = await startServer({
      config: parseConfig({
        home,
        mode: 'dev',
        http: { addr: '127.0.0.1:0' },
        log: { level: 'silent' },
        auth: { mode: 'dev' },
        providers: { mock: {} },
        sweeper: { enabled: false },
        notifications: {
          poll_interval_ms: 50,
          slack: {
            token: TOKEN,
            signing_secret: SECRET,
            api_url: fake.apiUrl,
            channels: [{ channel: 'approvals' }],
          },
        },
      }),
    });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('posts the pending request, approves on a signed click, and updates the message', async () => {
    const alice = (
      await mintDevToken(server.core.deps.keys, {
        email: 'alice@example.com',
        groups: ['sre'],
        kind: 'human',
        ttl: 600,
      })
    ).token;
    const res = await fetch(`${server.url}/api/v1alpha1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        provider: 'mock',
        role: 'admin',
        resource_scope: 'dev',
        duration: '15m',
        reason: 'INC-9',
      }),
    });
    expect(res.status).toBe(201);
    const b = (await res.json()) as { id?: string; state?: string; request?: { id: string; state: string } };
    const created = { id: (b.id ?? b.request?.id)!, state: b.state ?? b.request?.state };
    expect(created.state).toBe('PENDING');
    const find = () => fake.inChannel('C0APPROVE').find((m) => JSON.stringify(m.blocks).includes(created.id));
    await until(() => find() !== undefined, 'the Slack post');
    const posted = find()!;
    expect(posted.blocks!.some((b) => b.type === 'actions')).toBe(true);

    // Shipped policy: a write role needs a designated approver group or trust tier 2. A Slack click
    // carries no groups, so bob qualifies by the tier jitsudo itself stores for him.
    await setTier(server.core.deps.db, 'bob@example.com', 2);
    const payload = {
      type: 'block_actions',
      user: { id: 'U0BOB' },
      trigger_id: `1.${randomBytes(4).toString('hex')}`,
      channel: { id: 'C0APPROVE' },
      actions: [{ action_id: 'jitsudo_approve', value: created.id, type: 'button' }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const ts = String(Math.floor(Date.now() / 1000));
    const click = await fetch(`${server.url}/slack/interactions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': ts,
        'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`,
      },
      body,
    });
    expect(click.status).toBe(200);
    await until(
      () => posted.history.length > 1 && !posted.blocks!.some((x) => x.type === 'actions'),
      'the message to update',
    );
    expect(JSON.stringify(posted.blocks)).toContain('Approved by bob@example.com');
    const state = await fetch(`${server.url}/api/v1alpha1/requests/${created.id}`, {
      headers: { authorization: `Bearer ${alice}` },
    });
    const after = (await state.json()) as { state?: string; request?: { state: string } };
    expect(after.state ?? after.request?.state).toBe('ACTIVE');
  });
});
