/**
 * The bearer every upstream call carries: a fixed token (an agent's), or a `jitsudo login` session
 * asked before each call, so a bridge that runs for hours outlives access tokens that live minutes.
 * A 401 from jitsudod gets one retry after a forced refresh; a refresh the IdP refuses becomes a
 * SessionError whose sentence (never a token) is shown to the agent.
 */

export type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** A login session: the CLI's refresh-under-lock (src/cli/oidc/session.ts) behind two questions. */
export interface BearerSession {
  /** The token to send now, refreshed first when it is about to expire. */
  current(): Promise<string>;
  /** A token other than `rejected`, which jitsudod just answered 401 to (a forced refresh). */
  renew(rejected: string): Promise<string>;
}

/** The session could not give a token: its message says what to do (`jitsudo login` again). */
export class SessionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionError';
  }
}

export interface AuthorizedFetch {
  fetch: Fetch;
  /** The token sent last (for redaction from command output); undefined before the first call. */
  lastToken(): string | undefined;
  /** The session's failure on the latest call, if it failed (a client that wraps throws loses it). */
  failure(): SessionError | undefined;
}

/** `base` with the bearer of `source` set on every request (and the 401 retry for a session). */
export function authorizedFetch(source: string | BearerSession, base: Fetch): AuthorizedFetch {
  let last: string | undefined = typeof source === 'string' ? source : undefined;
  let failed: SessionError | undefined;
  const fromSession = async (ask: () => Promise<string>): Promise<string> => {
    try {
      const t = await ask();
      failed = undefined;
      return t;
    } catch (e) {
      failed = new SessionError(
        e instanceof Error ? e.message : 'the login session failed; run `jitsudo login` again',
      );
      throw failed;
    }
  };
  const send = (url: string | URL, init: RequestInit | undefined, token: string) => {
    last = token;
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return base(url, { ...init, headers });
  };
  if (typeof source === 'string')
    return { fetch: (url, init) => send(url, init, source), lastToken: () => last, failure: () => undefined };
  return {
    lastToken: () => last,
    failure: () => failed,
    async fetch(url, init) {
      const token = await fromSession(() => source.current());
      const res = await send(url, init, token);
      if (res.status !== 401) return res;
      // Replaying is safe: the SDK and our client send string bodies, and a 401 did nothing.
      await res.body?.cancel().catch(() => {});
      const fresh = await fromSession(() => source.renew(token));
      return send(url, init, fresh);
    },
  };
}

/** The SessionError somewhere in `e`'s cause chain (the SDK may wrap what fetch threw). */
export function sessionErrorIn(e: unknown): SessionError | undefined {
  for (let c = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++)
    if (c instanceof SessionError) return c;
  return undefined;
}
