/**
 * The bridge's bearer (src/mcp-stdio/bearer.ts) against a real local HTTP server that accepts one
 * token: the session is asked before each request, a 401 is retried once (same body) after a forced
 * refresh, and a refused refresh is a SessionError whose message holds no token.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizedFetch,
  type BearerSession,
  SessionError,
  sessionErrorIn,
} from '../../src/mcp-stdio/bearer.js';

let server: Server;
let url: string;
let accepted = 'tok-live-1';
const seen: { auth: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, body });
      res.statusCode = req.headers.authorization === `Bearer ${accepted}` ? 200 : 401;
      res.end(res.statusCode === 200 ? `ok:${body}` : 'no');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A session that hands out `tokens` in turn and records what it was asked. */
function session(tokens: string[], opts: { refuseRenew?: boolean } = {}) {
  const asked: string[] = [];
  let i = 0;
  const s: BearerSession = {
    async current() {
      asked.push('current');
      return tokens[i]!;
    },
    async renew(rejected) {
      asked.push(`renew:${rejected}`);
      if (opts.refuseRenew)
        throw new Error(
          'the identity provider refused the saved session (invalid_grant); run `jitsudo login` again',
        );
      i += 1;
      return tokens[i]!;
    },
  };
  return { s, asked };
}

describe('bridge bearer', () => {
  it('a fixed token is sent as is, and a 401 is not retried', async () => {
    accepted = 'agent-token';
    const b = authorizedFetch('agent-token', fetch);
    expect((await b.fetch(url, { method: 'POST', body: 'a' })).status).toBe(200);
    const other = authorizedFetch('wrong', fetch);
    const n = seen.length;
    expect((await other.fetch(url, { method: 'POST', body: 'a' })).status).toBe(401);
    expect(seen.length).toBe(n + 1);
  });

  it('a session is asked before each request; a 401 gets one forced refresh and the same body again', async () => {
    accepted = 'tok-live-1';
    const { s, asked } = session(['tok-live-1', 'tok-live-2']);
    const b = authorizedFetch(s, fetch);
    const ok = await b.fetch(url, { method: 'POST', body: '{"n":1}', headers: { 'content-type': 'x' } });
    expect(await ok.text()).toBe('ok:{"n":1}');
    expect(asked).toEqual(['current']);
    // jitsudod stops accepting the token before the file says it expires.
    accepted = 'tok-live-2';
    const n = seen.length;
    const retried = await b.fetch(url, { method: 'POST', body: '{"n":2}' });
    expect(await retried.text()).toBe('ok:{"n":2}');
    expect(asked).toEqual(['current', 'current', 'renew:tok-live-1']);
    expect(seen.slice(n)).toEqual([
      { auth: 'Bearer tok-live-1', body: '{"n":2}' },
      { auth: 'Bearer tok-live-2', body: '{"n":2}' },
    ]);
    expect(b.lastToken()).toBe('tok-live-2');
    // Only once: a second 401 is returned to the caller.
    accepted = 'tok-nobody';
    expect((await b.fetch(url, { method: 'POST', body: 'z' })).status).toBe(401);
  });

  it('a refused refresh is a SessionError saying "run `jitsudo login` again", with no token in it', async () => {
    accepted = 'tok-other';
    const { s } = session(['tok-secret-1'], { refuseRenew: true });
    const b = authorizedFetch(s, fetch);
    const e = await b.fetch(url, { method: 'POST', body: 'a' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SessionError);
    expect((e as Error).message).toMatch(/run `jitsudo login` again/);
    expect((e as Error).message).not.toContain('tok-secret');
    expect(b.failure()).toBe(e);
    expect(sessionErrorIn(new Error('wrapped', { cause: e }))).toBe(e);
  });
});
