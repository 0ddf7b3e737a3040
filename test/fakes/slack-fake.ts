/**
 * A local fake of the Slack Web API for the official `@slack/web-api` client (point `slackApiUrl`
 * at `${fake.apiUrl}`). It speaks Slack's wire protocol: `POST /api/<method>` with a form-encoded
 * (or JSON) body and `Authorization: Bearer <token>`, answering HTTP 200 with `{ ok, … }` — errors
 * are `ok: false` with Slack's error codes — and HTTP 429 + Retry-After when rate limited. It
 * rejects what Slack rejects: a missing or wrong token, an unknown channel, a message without text
 * or blocks, blocks that are not a JSON array, an update of a message that does not exist.
 */
import { type FakeReply, type FakeRequest, HttpFake } from './http-fake.js';

export interface SlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: Record<string, unknown>[];
  /** Every version of the message, oldest first (chat.update appends). */
  history: { text?: string; blocks?: Record<string, unknown>[] }[];
}

export interface SlackUser {
  id: string;
  email?: string;
  name: string;
}

const json = (body: unknown, status = 200): FakeReply => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});
const fail = (error: string) => json({ ok: false, error });

export class SlackFake {
  readonly http: HttpFake;
  readonly messages: SlackMessage[] = [];
  readonly ephemerals: { channel: string; user: string; text?: string }[] = [];
  readonly #tokens: Set<string>;
  /** Channel ids and names (`C…` / `#name` / `name`) that exist. */
  readonly #channels = new Map<string, string>();
  readonly #users = new Map<string, SlackUser>();
  #seq = 0;

  constructor(opts: { tokens: string[]; channels: Record<string, string>; users?: SlackUser[] }) {
    this.#tokens = new Set(opts.tokens);
    for (const [name, id] of Object.entries(opts.channels)) {
      this.#channels.set(id, id);
      this.#channels.set(name, id);
      this.#channels.set(`#${name}`, id);
    }
    for (const u of opts.users ?? []) this.#users.set(u.id, u);
    this.http = new HttpFake(
      (r) => r.path.replace(/^\/api\//, ''),
      (r) => this.#handle(r),
    );
  }

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** The base URL for the client's `slackApiUrl` (with the trailing slash it needs). */
  get apiUrl(): string {
    return `${this.http.url}/api/`;
  }

  addUser(u: SlackUser): void {
    this.#users.set(u.id, u);
  }

  /** Answers the next `times` calls of `method` as Slack does when rate limited. */
  rateLimitNext(method: string, retryAfterSeconds: number, times = 1): void {
    this.http.inject(
      method,
      {
        kind: 'status',
        status: 429,
        headers: { 'retry-after': String(retryAfterSeconds), 'content-type': 'application/json' },
        body: JSON.stringify({ ok: false, error: 'ratelimited' }),
      },
      times,
    );
  }

  /** Answers the next `times` calls of `method` with an HTTP `status` (5xx: Slack having a bad day). */
  failNext(method: string, status: number, times = 1): void {
    this.http.inject(method, { kind: 'status', status, body: 'upstream error' }, times);
  }

  /** Messages in `channel` (an id), oldest first. */
  inChannel(channel: string): SlackMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }

  #handle(r: FakeRequest): FakeReply {
    if (r.method !== 'POST') return { status: 405 };
    const method = r.op!;
    const args = parseArgs(r);
    if (args === undefined) return fail('invalid_form_data');
    const auth = r.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : args.token;
    if (!token) return fail('not_authed');
    if (!this.#tokens.has(token)) return fail('invalid_auth');
    switch (method) {
      case 'chat.postMessage':
        return this.#post(args);
      case 'chat.update':
        return this.#update(args);
      case 'chat.postEphemeral':
        return this.#ephemeral(args);
      case 'users.lookupByEmail': {
        const email = args.email?.toLowerCase();
        if (!email) return fail('invalid_arguments');
        const u = [...this.#users.values()].find((x) => x.email?.toLowerCase() === email);
        return u ? json({ ok: true, user: userJson(u) }) : fail('users_not_found');
      }
      case 'users.info': {
        const u = args.user ? this.#users.get(args.user) : undefined;
        return u ? json({ ok: true, user: userJson(u) }) : fail('user_not_found');
      }
      default:
        return fail('unknown_method');
    }
  }

  #content(args: Record<string, string>): { text?: string; blocks?: Record<string, unknown>[] } | string {
    let blocks: Record<string, unknown>[] | undefined;
    if (args.blocks !== undefined) {
      try {
        blocks = JSON.parse(args.blocks);
      } catch {
        return 'invalid_blocks_format';
      }
      if (!Array.isArray(blocks) || blocks.some((b) => typeof b?.type !== 'string')) return 'invalid_blocks';
      if (blocks.length > 50) return 'invalid_blocks';
    }
    const text = args.text || undefined;
    if (!text && !blocks?.length) return 'no_text';
    if (text && text.length > 40_000) return 'msg_too_long';
    return { text, blocks };
  }

  #post(args: Record<string, string>): FakeReply {
    const channel = args.channel ? this.#channel(args.channel) : undefined;
    if (!channel) return fail('channel_not_found');
    const c = this.#content(args);
    if (typeof c === 'string') return fail(c);
    const ts = `${1_700_000_000 + ++this.#seq}.${String(this.#seq).padStart(6, '0')}`;
    this.messages.push({ channel, ts, ...c, history: [c] });
    return json({ ok: true, channel, ts, message: { type: 'message', ts, ...c } });
  }

  #update(args: Record<string, string>): FakeReply {
    const channel = args.channel ? this.#channel(args.channel) : undefined;
    if (!channel) return fail('channel_not_found');
    const m = this.messages.find((x) => x.channel === channel && x.ts === args.ts);
    if (!m) return fail('message_not_found');
    const c = this.#content(args);
    if (typeof c === 'string') return fail(c);
    m.text = c.text;
    m.blocks = c.blocks;
    m.history.push(c);
    return json({ ok: true, channel, ts: m.ts, text: c.text ?? '' });
  }

  #ephemeral(args: Record<string, string>): FakeReply {
    const channel = args.channel ? this.#channel(args.channel) : undefined;
    if (!channel) return fail('channel_not_found');
    if (!args.user || !this.#users.has(args.user)) return fail('user_not_found');
    const c = this.#content(args);
    if (typeof c === 'string') return fail(c);
    this.ephemerals.push({ channel, user: args.user, text: c.text });
    return json({ ok: true, message_ts: `${1_700_000_000 + ++this.#seq}.000000` });
  }

  /** A known channel's id; a user id (a DM) opens the user's IM channel, whose id (`D…`) names it after. */
  #channel(c: string): string | undefined {
    if (this.#users.has(c)) return `D${c}`;
    if (c.startsWith('D') && this.#users.has(c.slice(1))) return c;
    return this.#channels.get(c);
  }
}

function userJson(u: SlackUser) {
  return { id: u.id, name: u.name, profile: { email: u.email, real_name: u.name } };
}

/** Slack takes form-encoded or JSON bodies; anything else is invalid form data. */
function parseArgs(r: FakeRequest): Record<string, string> | undefined {
  const type = String(r.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) {
    try {
      const o = JSON.parse(r.body) as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      );
    } catch {
      return undefined;
    }
  }
  if (type.startsWith('application/x-www-form-urlencoded') || r.body === '')
    return Object.fromEntries(new URLSearchParams(r.body));
  return undefined;
}
