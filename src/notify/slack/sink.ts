/**
 * The Slack sink (ADR 0048). A request waiting for people is posted, with Approve / Deny buttons,
 * to every channel whose rule matches it; each later event about it updates those messages in
 * place (chat.update with the channel and ts remembered in slack_messages), so everyone sees who
 * decided and the new state. Break-glass posts a loud alert to every configured channel.
 * Rate limits, 5xx and network errors go back to the outbox as retries (Retry-After honoured);
 * bad token, unknown channel and the like are permanent and show in the outbox status.
 */
import type { WebClient } from '@slack/web-api';
import type { CoreDeps } from '../../core/deps.js';
import { cappedNote } from '../../core/outbox/approvers.js';
import type { SlackConfig } from '../../core/outbox/slack-config.js';
import { rememberSlackMessage, slackMessagesOf } from '../../core/outbox/slack-messages.js';
import type { RequestView } from '../../core/requests/view.js';
import type { ApproverResolver, OutboxEvent, Sink, SinkResult } from '../sink.js';
import { breakGlassMessage, requesterMessage, requestMessage, type SlackContent } from './blocks.js';
import { call, SlackCallError, slackErrorCode, slackFailure } from './client.js';

export const SLACK_SINK_NAME = 'slack';

/** Events that post a new message (when the request waits for a person). */
const POSTS = new Set(['request.created', 'request.escalated']);
/** Events that update a request's messages in place. */
const UPDATES = new Set([
  'request.created',
  'request.approval_recorded',
  'request.approved',
  'request.denied',
  'request.escalated',
  'request.cancelled',
  'request.expired',
  'request.failed',
  'grant.issued',
  'grant.extended',
  'grant.expired',
  'grant.revoked',
  'grant.revoke_failing',
]);

/** What the requester is told by DM (notifications.slack.dm_requester), per event. */
const TOLD_TO_REQUESTER: Readonly<Record<string, string>> = {
  'request.approved': 'was approved',
  'request.denied': 'was denied',
  'request.expired': 'expired without a decision',
  'request.failed': 'failed',
  'grant.issued': 'is granted: access is active',
  'grant.expiring': 'ends soon',
  'grant.expired': 'has ended',
  'grant.revoked': 'was revoked',
};

const OK: SinkResult = { ok: true };

/** slack_messages key of an approver's DM (a configured channel never starts with `dm:`). */
const dmKey = (email: string) => `dm:${email.toLowerCase()}`;

/** The distinct channels whose rule matches `v` (an empty match matches every request). */
export function channelsFor(rules: SlackConfig['channels'], v: RequestView): string[] {
  const out = rules
    .filter(
      ({ match: m }) =>
        (m.provider === undefined || m.provider === v.provider) &&
        (m.role === undefined || m.role === v.role) &&
        (m.tier === undefined || m.tier === v.approver_tier),
    )
    .map((r) => r.channel);
  return [...new Set(out)];
}

export class SlackSink implements Sink {
  readonly name = SLACK_SINK_NAME;
  readonly #deps: Pick<CoreDeps, 'db' | 'now'>;
  readonly #client: WebClient;
  readonly #rules: SlackConfig['channels'];
  readonly #dmRequester: boolean;
  readonly #approvers: ApproverResolver | undefined;
  /** Deliveries of one request, one after another in this process (see deliver). */
  readonly #perRequest = new Map<string, Promise<unknown>>();

  constructor(
    deps: Pick<CoreDeps, 'db' | 'now'>,
    client: WebClient,
    cfg: Pick<SlackConfig, 'channels' | 'dm_requester'> & Partial<Pick<SlackConfig, 'dm_approvers'>>,
    /** Needed for `dm_approvers`; without it no approver is DMed. */
    approvers?: ApproverResolver,
  ) {
    this.#deps = deps;
    this.#client = client;
    this.#rules = cfg.channels;
    this.#dmRequester = cfg.dm_requester;
    this.#approvers = cfg.dm_approvers ? approvers : undefined;
  }

  wants(type: string): boolean {
    return (
      UPDATES.has(type) ||
      type === 'break_glass.used' ||
      (this.#dmRequester && TOLD_TO_REQUESTER[type] !== undefined)
    );
  }

  /**
   * The worker delivers a batch side by side; two events of one request must not be: an update
   * that ran while the first post was still in flight would find no message and be lost, leaving
   * the buttons of a request already decided.
   */
  deliver(e: OutboxEvent): Promise<SinkResult> {
    const id = e.request?.id;
    if (!id) return Promise.resolve(OK);
    const prev = this.#perRequest.get(id) ?? Promise.resolve();
    const mine = prev.then(() => this.#deliver(e));
    const tail = mine.catch(() => {});
    this.#perRequest.set(id, tail);
    void tail.then(() => {
      if (this.#perRequest.get(id) === tail) this.#perRequest.delete(id);
    });
    return mine;
  }

  async #deliver(e: OutboxEvent): Promise<SinkResult> {
    const v = e.request;
    if (!v) return OK;
    try {
      let note: string | null = null;
      if (e.type === 'break_glass.used') await this.#alert(v, String(e.data.actor ?? ''));
      else if (UPDATES.has(e.type)) note = await this.#show(e.type, v);
      // Last: a failure above retries the event, and a DM already sent would be sent again.
      if (this.#dmRequester && TOLD_TO_REQUESTER[e.type]) await this.#tellRequester(e, v);
      return note ? { ok: true, note } : OK;
    } catch (err) {
      if (err instanceof SlackCallError) return slackFailure(err.inner, err.method);
      throw err;
    }
  }

  /**
   * Updates the request's messages, then posts to matching channels not reached yet (a retry after
   * a partial failure skips the channels already posted to: each is remembered as it succeeds),
   * then DMs the resolved approvers not reached yet. Returns a status note when that was capped.
   */
  async #show(type: string, v: RequestView): Promise<string | null> {
    const known = await slackMessagesOf(this.#deps, v.id);
    const msg = requestMessage(v);
    for (const m of known)
      await call('chat.update', () => this.#client.chat.update({ channel: m.channelId, ts: m.ts, ...msg }));
    if (!POSTS.has(type) || v.state !== 'PENDING' || v.approver_tier === 'auto') return null;
    const reached = new Set(known.map((m) => m.channel));
    for (const channel of channelsFor(this.#rules, v)) {
      if (reached.has(channel)) continue;
      await this.#post(channel, msg, v.id);
    }
    if (!this.#approvers || v.approver_tier !== 'human') return null;
    return this.#dmApprovers(v, msg, reached);
  }

  /**
   * The request, with its buttons, to each resolved approver Slack knows by email (ADR 0057). Each
   * DM is remembered like a channel message: later events update it, a retry skips it.
   */
  async #dmApprovers(v: RequestView, msg: SlackContent, reached: Set<string>): Promise<string | null> {
    const found = await this.#approvers!(v.id);
    for (const email of found.emails) {
      if (reached.has(dmKey(email))) continue;
      const user = await this.#userByEmail(email);
      if (!user) continue; // not in Slack: the email sink (to_approvers) is for them
      await this.#post(dmKey(email), msg, v.id, user);
    }
    return cappedNote(found);
  }

  /** Posts to `to` (a channel, or a user id for a DM), remembered under `channel`. */
  async #post(channel: string, msg: SlackContent, requestId: string, to = channel): Promise<void> {
    const r = await call('chat.postMessage', () =>
      this.#client.chat.postMessage({ channel: to, ...msg, unfurl_links: false, unfurl_media: false }),
    );
    if (r.channel && r.ts)
      await rememberSlackMessage(this.#deps, requestId, { channel, channelId: r.channel, ts: r.ts });
  }

  /** A DM to the requester (an agent's owner), found by email; none when Slack knows no such user. */
  async #tellRequester(e: OutboxEvent, v: RequestView): Promise<void> {
    const email = v.requester.kind === 'agent' ? v.requester.agent?.owner : v.requester.identity;
    if (!email || v.requester.kind === 'service') return;
    const user = await this.#userByEmail(email);
    if (!user) return;
    const msg = requesterMessage(v, TOLD_TO_REQUESTER[e.type]!, e);
    await call('chat.postMessage', () => this.#client.chat.postMessage({ channel: user, ...msg }));
  }

  /** The Slack user id of `email`, or undefined when Slack has no such user. */
  async #userByEmail(email: string): Promise<string | undefined> {
    try {
      return (await this.#client.users.lookupByEmail({ email })).user?.id;
    } catch (err) {
      if (slackErrorCode(err) === 'users_not_found') return undefined;
      throw new SlackCallError('users.lookupByEmail', err);
    }
  }

  /** Every configured channel, whatever its match: break-glass is everyone's business. */
  async #alert(v: RequestView, actor: string): Promise<void> {
    const msg = breakGlassMessage(v, actor);
    for (const channel of new Set(this.#rules.map((r) => r.channel)))
      await call('chat.postMessage', () => this.#client.chat.postMessage({ channel, ...msg }));
  }
}
