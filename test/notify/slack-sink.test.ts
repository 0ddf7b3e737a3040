/**
 * The Slack client as the sink uses it, against the local fake (no database): Slack's refusals map
 * to permanent failures, rate limits and 5xx to retries with Retry-After kept, and messages never
 * let a requester's text mention a channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import type { RequestView } from '../../src/core/requests/view.js';
import { breakGlassMessage, progress, requestMessage } from '../../src/notify/slack/blocks.js';
import { call, SlackCallError, slackClient, slackFailure } from '../../src/notify/slack/client.js';
import { slackSinks } from '../../src/notify/slack/index.js';
import { SlackFake } from '../fakes/slack-fake.js';

const TOKEN = 'xoxb-unit-token';

async function outcome(p: () => Promise<unknown>) {
  try {
    await call('chat.postMessage', p);
    return { ok: true };
  } catch (e) {
    expect(e).toBeInstanceOf(SlackCallError);
    return slackFailure((e as SlackCallError).inner, 'chat.postMessage');
  }
}

const view = (over: Partial<RequestView> = {}): RequestView =>
  ({
    id: 'req_01UNIT',
    state: 'PENDING',
    requester: { identity: 'alice@example.com', kind: 'human' },
    provider: 'aws',
    role: 'admin',
    resource_scope: 'prod',
    duration_seconds: 5400,
    reason: 'fix <!channel> & <https://evil.example|click>',
    break_glass: false,
    metadata: {},
    approver_tier: 'human',
    approvals_required: 2,
    approver_groups: ['sre'],
    approved_by: ['bob@example.com'],
    approvals: [
      {
        approver: 'agent:reviewer',
        approver_kind: 'agent',
        decision: 'escalated',
        comment: 'writes to prod',
        reasoning: { risk: 'high', summary: 'touches IAM' },
        created_at: '',
      },
      {
        approver: 'bob@example.com',
        approver_kind: 'human',
        decision: 'approved',
        comment: 'ok',
        created_at: '',
      },
    ],
    end_reason: null,
    ...over,
  }) as RequestView;

describe('slack client and messages', () => {
  let fake: SlackFake;
  beforeAll(async () => {
    fake = await new SlackFake({ tokens: [TOKEN], channels: { general: 'C0GEN' } }).start();
  });
  afterAll(async () => fake?.stop());

  it('maps Slack refusals to permanent failures and 429 / 5xx / network to retries', async () => {
    const good = slackClient(TOKEN, fake.apiUrl);
    expect(
      await outcome(() =>
        slackClient('xoxb-wrong', fake.apiUrl).chat.postMessage({ channel: 'C0GEN', text: 'x' }),
      ),
    ).toEqual({
      ok: false,
      retryable: false,
      error: 'slack chat.postMessage: invalid_auth',
    });
    expect(await outcome(() => good.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toMatchObject({
      retryable: false,
      error: 'slack chat.postMessage: channel_not_found',
    });
    expect(await outcome(() => good.chat.postMessage({ channel: 'C0GEN' } as never))).toMatchObject({
      retryable: false,
      error: 'slack chat.postMessage: no_text',
    });
    fake.rateLimitNext('chat.postMessage', 7);
    expect(await outcome(() => good.chat.postMessage({ channel: 'C0GEN', text: 'x' }))).toEqual({
      ok: false,
      retryable: true,
      error: 'slack chat.postMessage: ratelimited',
      retryAfterMs: 7000,
    });
    fake.failNext('chat.postMessage', 503);
    expect(await outcome(() => good.chat.postMessage({ channel: 'C0GEN', text: 'x' }))).toEqual({
      ok: false,
      retryable: true,
      error: 'slack chat.postMessage: http_503',
    });
    const down = slackClient(TOKEN, 'http://127.0.0.1:1/api/');
    expect(await outcome(() => down.chat.postMessage({ channel: 'C0GEN', text: 'x' }))).toEqual({
      ok: false,
      retryable: true,
      error: 'slack chat.postMessage: network',
    });
    expect(await outcome(() => good.chat.postMessage({ channel: 'general', text: 'hello' }))).toEqual({
      ok: true,
    });
  });

  it('a message carries routing, N-of-M, the AI reviewer reasoning, buttons while pending, and escapes user text', () => {
    const m = requestMessage(view());
    const s = JSON.stringify(m.blocks);
    expect(progress(view())).toBe('1 of 2 approvals: bob@example.com');
    expect(s).toContain('Routing: human approval, approvers in sre');
    expect(s).toContain('AI reviewer agent:reviewer escalated:* writes to prod');
    expect(s).toContain('risk: high');
    expect(s).toContain('fix &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(s).not.toContain('<!channel>');
    expect(m.blocks.some((b) => b.type === 'actions')).toBe(true);
    const done = requestMessage(view({ state: 'ACTIVE' }));
    expect(done.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(breakGlassMessage(view({ break_glass: true }), 'alice@example.com').text).toContain('BREAK-GLASS');
  });

  it('refuses a bad Slack config at start-up, naming the key', () => {
    const cfg = (slack: Record<string, unknown>) => parseConfig({ home: '/tmp/x', notifications: { slack } });
    expect(() => cfg({ token: 'xoxb-1', channels: [] })).toThrow(/notifications\.slack\.signing_secret/);
    expect(() => cfg({ token: 'xoxb-1', signing_secret: 'short', channels: [] })).toThrow(/signing_secret/);
    expect(() =>
      cfg({ token: 'xoxb-1', signing_secret: 's'.repeat(20), api_url: 'https://x.test/api' }),
    ).toThrow(/api_url/);
    const config = cfg({ token_file: '/nonexistent/slack-token', signing_secret: 's'.repeat(20) });
    expect(() => slackSinks({ config, db: undefined as never, now: () => new Date() })).toThrow(
      /notifications\.slack\.token_file: cannot read \/nonexistent\/slack-token \(ENOENT\)/,
    );
  });
});
