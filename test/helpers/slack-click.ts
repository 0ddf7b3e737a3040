/**
 * A Slack button click as Slack sends it to an interactivity URL: a `block_actions` payload, JSON in
 * the one form field `payload`, signed `v0=` HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the
 * app's signing secret (https://api.slack.com/authentication/verifying-requests-from-slack).
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface ClickOptions {
  /** Unix seconds (default now, wall clock: Slack's timestamps are). */
  ts?: number;
  /** Sign with this secret instead (a forgery). */
  secret?: string;
  channel?: string;
}

export interface SignedBody {
  body: string;
  headers: Record<string, string>;
}

/** The headers Slack sends with `body`, signed with `secret` at `ts`. */
export function slackSigned(secret: string, body: string, ts = Math.floor(Date.now() / 1000)): SignedBody {
  const sig = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': `v0=${sig}`,
    },
  };
}

/** `user` pressing `action` (jitsudo_approve / jitsudo_deny) on request `requestId`'s message. */
export function slackClick(
  secret: string,
  user: string,
  action: string,
  requestId: string,
  o: ClickOptions = {},
): SignedBody {
  const channel = o.channel ?? 'C0APPROVE';
  const payload = {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: '1700000001.000001', channel_id: channel },
    trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`,
    team: { id: 'T0TEAM', domain: 'example' },
    channel: { id: channel, name: 'approvals' },
    response_url: 'https://hooks.slack.com/actions/T0TEAM/1/abc',
    actions: [
      { action_id: action, block_id: 'jitsudo_decision', value: requestId, type: 'button', action_ts: '1' },
    ],
  };
  return slackSigned(o.secret ?? secret, `payload=${encodeURIComponent(JSON.stringify(payload))}`, o.ts);
}

/** POSTs a signed body to `${url}/slack/interactions`; returns the status and how long the answer took. */
export async function postInteraction(url: string, s: SignedBody): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/slack/interactions`, { method: 'POST', headers: s.headers, body: s.body });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t0 };
}

/**
 * Sends a signed no-op (an interaction type jitsudo ignores: 200, nothing done, nothing audited), so
 * that a test's 3 s budget measures the route rather than a cold first request on a loaded machine.
 */
export async function warmInteractions(url: string, secret: string): Promise<void> {
  const body = `payload=${encodeURIComponent(JSON.stringify({ type: 'view_closed' }))}`;
  const r = await postInteraction(url, slackSigned(secret, body));
  if (r.status !== 200) throw new Error(`warm-up answered ${r.status}`);
}

/** Polls `f` every 25 ms until it returns a truthy value; fails after `ms` naming `what`. */
export async function eventually<T>(
  what: string,
  f: () => T | Promise<T>,
  ms = 15_000,
): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
