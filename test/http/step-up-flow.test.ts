/**
 * Step-up end to end (ADR 0050) on a real database, real HTTP, the in-process OIDC IdP driven by the
 * scripted browser, and the Slack fake: Approve on a step_up request in Slack decides nothing and
 * answers the clicker alone with a single-use link; the link → IdP sign-in (prompt=login, PKCE,
 * state, nonce) → confirmation page → Approve grants, as the person the ID token names, with their
 * groups. Reused, expired, altered links, another person signing in, a missing or forged sign-in
 * state and a missing CSRF token are clear 4xx pages that change nothing (audited where someone is
 * known). Deny works through a link too.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { sqlRows } from '../../src/core/db/client.js';
import type { CoreDeps } from '../../src/core/deps.js';
import { createAuthenticator } from '../../src/core/identity/index.js';
import { touchPrincipal } from '../../src/core/principals/index.js';
import { createApp } from '../../src/http/app.js';
import { breakGlassMessage, REVIEW_ACTION } from '../../src/notify/slack/blocks.js';
import { slackRoute } from '../../src/notify/slack/index.js';
import { stepUpLinks, stepUpRoute } from '../../src/server/step-up-route.js';
import { httpVerbs } from '../../src/server/verbs.js';
import { auditRows, type Clock, type Harness, human, makeHarness } from '../core/requests/fixtures.js';
import { linksOf, stepUpPolicies, WallClock } from '../core/step-up/support.js';
import { SlackFake } from '../fakes/slack-fake.js';
import { testDatabases } from '../helpers/db.js';
import { newBrowser } from '../helpers/oidc-browser.js';
import { type OidcIdp, startOidcIdp, WEB_CLIENT_ID, WEB_CLIENT_SECRET } from '../helpers/oidc-idp.js';
import { setTier } from '../helpers/principals.js';
import { type Served, serveApp } from '../helpers/real-http.js';

const TOKEN = `xoxb-test-${randomBytes(8).toString('hex')}`;
const SECRET = `signing-${randomBytes(12).toString('hex')}`;
const CHANNEL = 'C0STEPUP1';

function click(user: string, action: string, requestId: string) {
  const payload = {
    type: 'block_actions',
    user: { id: user },
    trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`,
    channel: { id: CHANNEL },
    actions: [{ action_id: action, value: requestId, type: 'button' }],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': sig,
    },
  };
}

async function until<T>(
  f: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The `name=value` of a Set-Cookie answer (what a browser sends back). */
const cookieOf = (res: Response) => res.headers.getSetCookie()[0]?.split(';')[0] ?? '';

describe.each(testDatabases())('step-up pages on %s', (driver) => {
  let h: Harness;
  let idp: OidcIdp;
  let fake: SlackFake;
  let served: Served;
  let deps: CoreDeps;
  const wall = new WallClock();
  const logLines: string[] = [];
  let app: ReturnType<typeof createApp> | undefined;
  const alice = human('alice@example.com', ['sre']);
  const bob = human('bob@example.com', ['dev']);
  const users = { bob: 'U0BOB', carol: 'U0CAROL', root: 'U0ROOT' };

  const stateOf = async (id: string) =>
    (await sqlRows<{ state: string }>(h.db, sql`select state from requests where id = ${id}`))[0]!.state;
  const approvalsOf = (id: string) =>
    sqlRows<{ actor_identity: string; decision: string; actor_groups: string[] }>(
      h.db,
      sql`select actor_identity, decision, actor_groups from approvals where request_id = ${id}`,
    );
  const actionsOf = async (id: string) => (await auditRows(h.db, id)).map((a) => a.action);

  /** Bob (or `slackUser`) clicks Approve in Slack; resolves with the link jitsudod told them privately. */
  async function linkFromSlack(
    id: string,
    slackUser = users.bob,
    action = 'jitsudo_approve',
  ): Promise<string> {
    const before = fake.ephemerals.length;
    const c = click(slackUser, action, id);
    const res = await fetch(`${served.url}/slack/interactions`, {
      method: 'POST',
      headers: c.headers,
      body: c.body,
    });
    expect(res.status).toBe(200);
    const told = await until(() => fake.ephemerals.slice(before).find((e) => e.text?.includes(id)));
    expect(told.user).toBe(slackUser);
    const m = /<(http[^|>]+)\|/.exec(told.text ?? '');
    expect(m, told.text).not.toBeNull();
    return m![1]!;
  }

  /** Opens `link` and signs in at the IdP as `account`; the callback's answer and the page cookie. */
  async function signIn(link: string, account: string) {
    const start = await fetch(link, { redirect: 'manual' });
    expect(start.status).toBe(302);
    expect(start.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(start.headers.get('cache-control')).toBe('no-store');
    const authz = new URL(start.headers.get('location')!);
    expect(authz.origin).toBe(idp.issuer);
    expect(authz.searchParams.get('prompt')).toBe('login');
    expect(authz.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authz.searchParams.get('max_age')).toBe('300');
    const pending = cookieOf(start);
    const back = await newBrowser().authorize(authz, account);
    expect(back.origin).toBe(served.url);
    const res = await fetch(back, { headers: { cookie: pending }, redirect: 'manual' });
    const html = await res.text();
    return { res, html, cookie: cookieOf(res) || pending, callback: back, pending };
  }

  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const decide = (cookie: string, fields: Record<string, string>) =>
    fetch(`${served.url}/step-up/decide`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  beforeAll(async () => {
    h = await makeHarness(driver, { policies: stepUpPolicies(), clock: wall as unknown as Clock });
    served = await serveApp({ fetch: (req: Request) => app!.fetch(req) });
    idp = await startOidcIdp({ webRedirectUris: [`${served.url}/step-up/callback`] });
    idp.accounts.set('carol', { email: 'carol@example.com', groups: [] });
    fake = await new SlackFake({
      tokens: [TOKEN],
      channels: { approvals: CHANNEL },
      users: [
        { id: users.bob, name: 'bob', email: bob.identity },
        { id: users.carol, name: 'carol', email: 'carol@example.com' },
        { id: users.root, name: 'root', email: 'root@example.com' },
      ],
    }).start();
    const config = parseConfig({
      ...h.core.deps.config,
      http: { public_url: served.url },
      auth: {
        mode: 'oidc',
        oidc: {
          issuer: idp.issuer,
          audience: idp.audience,
          web_client_id: WEB_CLIENT_ID,
          web_client_secret: WEB_CLIENT_SECRET,
          web_scopes: ['openid', 'email', 'groups'],
        },
      },
      notifications: {
        worker_enabled: false,
        slack: {
          token: TOKEN,
          signing_secret: SECRET,
          api_url: fake.apiUrl,
          channels: [{ channel: 'approvals' }],
        },
      },
    });
    deps = { ...h.core.deps, config };
    const verbs = httpVerbs(h.core);
    const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
    app = createApp({
      verbs,
      authenticator: createAuthenticator({ config, keys: deps.keys }),
      slack: slackRoute(deps, verbs, log, undefined, stepUpLinks(deps)),
      stepUp: stepUpRoute(deps),
      log,
      mcp: false,
    });
    for (const p of [bob, human('carol@example.com'), human('root@example.com')])
      await touchPrincipal({ db: h.db }, p);
  });
  afterAll(async () => {
    await served?.close();
    await idp?.stop();
    await fake?.stop();
    await h?.close();
  });

  it('a Slack Approve on a step_up request decides nothing: the clicker alone gets a link; sign-in → Approve grants', async () => {
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    const link = await linkFromSlack(r.id);
    expect(link.startsWith(`${served.url}/step-up/`)).toBe(true);
    expect(await stateOf(r.id)).toBe('PENDING');
    expect(await approvalsOf(r.id)).toHaveLength(0);
    expect(await actionsOf(r.id)).toContain('request.step_up_link_issued');
    expect(await actionsOf(r.id)).not.toContain('request.decision_refused');
    expect(JSON.stringify(await auditRows(h.db, r.id))).not.toContain(link.split('/').at(-1)!);

    const s = await signIn(link, 'bob');
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(s.res.headers.get('cache-control')).toBe('no-store');
    expect(s.html).toContain(r.id);
    expect(s.html).toContain('Signed in as bob@example.com');
    expect(s.html).not.toContain('<script');
    const ok = await decide(s.cookie, { csrf: csrfOf(s.html), decision: 'approve', comment: 'checked' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Your approval was recorded');
    expect(await stateOf(r.id)).toBe('ACTIVE');
    // The person the ID token named, with the groups it carried (a fresh sign-in vouches for them).
    expect(await approvalsOf(r.id)).toEqual([
      { actor_identity: 'bob@example.com', decision: 'approve', actor_groups: ['dev'] },
    ]);
    expect((await linksOf(h.db, r.id)).map((l) => l.used)).toEqual([true]);

    // The same page posted again, and the link opened again: refused, audited, nothing changed.
    const again = await decide(s.cookie, { csrf: csrfOf(s.html), decision: 'approve' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('used already');
    const reopened = await fetch(link, { redirect: 'manual' });
    expect(reopened.status).toBe(409);
    expect(await approvalsOf(r.id)).toHaveLength(1);
    const refused = (await auditRows(h.db, r.id)).filter((a) => a.action === 'request.decision_refused');
    expect(refused.map((a) => a.actor)).toEqual(['bob@example.com']);
    // The link's token is in its path: the request log shows the path without it.
    const token = link.split('/').at(-1)!;
    expect(logLines.join('')).toContain('/step-up/[link]');
    expect(logLines.join('')).not.toContain(token);
    expect(logLines.join('')).not.toContain(token.split('.')[0]!);
  });

  it('another person signing in with the link is refused (403, audited as them), nothing changed', async () => {
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    const link = await linkFromSlack(r.id);
    const s = await signIn(link, 'carol');
    expect(s.res.status).toBe(403);
    expect(s.html).toContain('issued to someone else');
    expect(s.html).not.toContain('name="csrf"');
    expect(await stateOf(r.id)).toBe('PENDING');
    const refused = (await auditRows(h.db, r.id)).filter((a) => a.action === 'request.decision_refused');
    expect(refused.map((a) => a.actor)).toEqual(['carol@example.com']);
    expect((await linksOf(h.db, r.id)).map((l) => l.used)).toEqual([false]);
  });

  it('deny through a link; an altered link, a missing or forged sign-in state and a missing CSRF token are 4xx', async () => {
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    const link = await linkFromSlack(r.id);
    // Altered: the last character of the mac changed → refused before anything else, no redirect.
    const altered = link.slice(0, -1) + (link.endsWith('A') ? 'B' : 'A');
    const bad = await fetch(altered, { redirect: 'manual' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('not valid');
    const s = await signIn(link, 'bob');
    expect(s.res.status).toBe(200);
    // The callback without the cookie, or with the cookie but another state: 400, nothing done.
    const noCookie = await fetch(s.callback, { redirect: 'manual' });
    expect(noCookie.status).toBe(400);
    const forged = new URL(s.callback);
    forged.searchParams.set('state', 'forged-state');
    expect((await fetch(forged, { headers: { cookie: s.pending } })).status).toBe(400);
    // No CSRF token, or a wrong one: 403.
    expect((await decide(s.cookie, { decision: 'deny' })).status).toBe(403);
    expect((await decide(s.cookie, { csrf: 'x'.repeat(32), decision: 'deny' })).status).toBe(403);
    expect(await stateOf(r.id)).toBe('PENDING');
    const denied = await decide(s.cookie, { csrf: csrfOf(s.html), decision: 'deny', comment: 'not now' });
    expect(denied.status).toBe(200);
    expect(await denied.text()).toContain('Your denial was recorded');
    expect(await stateOf(r.id)).toBe('REJECTED');
    expect(await approvalsOf(r.id)).toEqual([
      { actor_identity: 'bob@example.com', decision: 'deny', actor_groups: ['dev'] },
    ]);
  });

  it('the API: an OIDC token whose auth_time is stale (or absent) is refused 403 on a step_up request; a fresh one approves', async () => {
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    const approve = (token: string) =>
      fetch(`${served.url}/api/v1alpha1/requests/${r.id}/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ comment: 'ok' }),
      });
    const now = Math.floor(Date.now() / 1000);
    for (const claims of [{}, { auth_time: now - 3600 }]) {
      const res = await approve(await idp.mintUserToken(bob.identity, ['dev'], claims));
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('FORBIDDEN');
      expect(body.error.message).toContain('needs a fresh sign-in');
    }
    expect(await stateOf(r.id)).toBe('PENDING');
    expect((await auditRows(h.db, r.id)).filter((a) => a.action === 'request.decision_refused')).toHaveLength(
      2,
    );
    const res = await approve(await idp.mintUserToken(bob.identity, ['dev'], { auth_time: now - 10 }));
    expect(res.status).toBe(200);
    expect(await stateOf(r.id)).toBe('ACTIVE');
  });

  it('Deny in Slack on a step_up request needs no step-up: it decides at once', async () => {
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    const c = click(users.bob, 'jitsudo_deny', r.id);
    const res = await fetch(`${served.url}/slack/interactions`, {
      method: 'POST',
      headers: c.headers,
      body: c.body,
    });
    expect(res.status).toBe(200);
    await until(async () => (await stateOf(r.id)) === 'REJECTED');
    expect(await linksOf(h.db, r.id)).toHaveLength(0);
  });

  it('break-glass: the alert has Review; its link → sign-in as an admin → Unjustified revokes the grant', async () => {
    const oncall = human('oncall@example.com', ['sre']);
    await setTier(h.db, oncall.identity, 4);
    const r = await h.ask(oncall, { break_glass: true, reason: 'INC-7' });
    expect(r.state).toBe('ACTIVE');
    const alert = breakGlassMessage(r, oncall.identity);
    expect(JSON.stringify(alert.blocks)).toContain(REVIEW_ACTION);
    const link = await linkFromSlack(r.id, users.root, REVIEW_ACTION);
    const s = await signIn(link, 'root');
    expect(s.res.status).toBe(200);
    expect(s.html).toContain('value="unjustified"');
    expect(s.html).not.toContain('value="approve"');
    const done = await decide(s.cookie, {
      csrf: csrfOf(s.html),
      decision: 'unjustified',
      comment: 'no incident',
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your review (unjustified) was recorded');
    expect(await stateOf(r.id)).toBe('REVOKED');
    const reviewed = (await auditRows(h.db, r.id)).find((a) => a.action === 'break_glass.reviewed');
    expect(reviewed).toMatchObject({
      actor: 'root@example.com',
      details: { outcome: 'unjustified', revoked: true },
    });
  });

  it('the API review: an admin with a fresh sign-in reviews; a stale one is refused 403', async () => {
    const oncall = human('oncall2@example.com', ['sre']);
    await setTier(h.db, oncall.identity, 4);
    const r = await h.ask(oncall, { break_glass: true, reason: 'INC-8' });
    const review = (token: string) =>
      fetch(`${served.url}/api/v1alpha1/requests/${r.id}/review`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'justified', comment: 'real incident' }),
      });
    const now = Math.floor(Date.now() / 1000);
    const stale = await review(
      await idp.mintUserToken('root@example.com', ['jitsudo-admins'], { auth_time: now - 900 }),
    );
    expect(stale.status).toBe(403);
    const ok = await review(
      await idp.mintUserToken('root@example.com', ['jitsudo-admins'], { auth_time: now - 5 }),
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      outcome: 'justified',
      revoked: false,
      request: { id: r.id, state: 'ACTIVE' },
    });
    const second = await review(
      await idp.mintUserToken('root@example.com', ['jitsudo-admins'], { auth_time: now - 5 }),
    );
    expect(second.status).toBe(200); // a later review is recorded too (each audited)
    const junk = await fetch(`${served.url}/api/v1alpha1/requests/${r.id}/review`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await idp.mintUserToken('root@example.com', ['jitsudo-admins'], { auth_time: now })}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ outcome: 'maybe', comment: '' }),
    });
    expect(junk.status).toBe(400);
  });

  it('an expired link is refused (409 page) and decides nothing', async () => {
    const r = await h.ask(alice, { metadata: { step_up: 'yes' } });
    const link = await linkFromSlack(r.id);
    wall.advance(301_000);
    try {
      const res = await fetch(link, { redirect: 'manual' });
      expect(res.status).toBe(409);
      expect(await res.text()).toContain('expired');
      expect(await stateOf(r.id)).toBe('PENDING');
    } finally {
      wall.advance(-301_000);
    }
  });
});
