/**
 * The step-up confirmation pages (ADR 0050), outside the bearer-authenticated API: a browser opens
 * the single-use link from Slack, signs in again at the IdP, sees the request, and approves or
 * denies it. `GET /step-up/{token}` → the IdP (checks kept in a sealed cookie); `GET
 * /step-up/callback` → the ID token's person, who must be the link's; `POST /step-up/decide` (CSRF
 * token) → the core verb. Every refusal is a plain 4xx page; never a 500.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import type { Actor } from '../../core/actor.js';
import { isAppError } from '../../core/errors.js';
import type { WebSignIn } from '../../core/identity/oidc/web-sign-in.js';
import type { RequestView } from '../../core/requests/view.js';
import type { HonoEnv } from '../env.js';
import { type CookieJar, clearCookie, Pending, readCookie, Session, writeCookie } from '../step-up/cookie.js';
import { decisionPage, errorPage, page, pageHeaders } from '../step-up/page.js';

export const STEP_UP_PATH = '/step-up';
type Choice = 'approve' | 'deny' | 'justified' | 'unjustified';
const CHOICES: ReadonlySet<string> = new Set<Choice>(['approve', 'deny', 'justified', 'unjustified']);
const DONE: Record<Choice, string> = {
  approve: 'Your approval was recorded',
  deny: 'Your denial was recorded',
  justified: 'Your review (justified) was recorded',
  unjustified: 'Your review (unjustified) was recorded',
};
/** The sign-in and the decision page together must finish within this. */
const FLOW_MS = 10 * 60 * 1000;
const MAX_FORM = 8 * 1024;

export interface StepUpRouteOptions {
  signIn: WebSignIn;
  /** `<http.public_url>/step-up/callback`, as registered at the IdP. */
  redirectUri: string;
  cookieKey: Buffer;
  /** Checks a link before sign-in (nobody known yet: not audited). */
  checkLink(token: string): Promise<unknown>;
  /** The link's request for the person who signed in, and what it is for; refusals audited by core. */
  openLink(actor: Actor, token: string): Promise<{ request: RequestView; purpose: 'approve' | 'review' }>;
  decide(actor: Actor, input: { token: string; decision: Choice; comment: string }): Promise<RequestView>;
  nowMs?: () => number;
}

/** Mounts the step-up pages on `app`. */
export function registerStepUpRoutes(app: Hono<HonoEnv>, o: StepUpRouteOptions): void {
  const nowMs = o.nowMs ?? Date.now;
  const jar: CookieJar = { key: o.cookieKey, secure: o.redirectUri.startsWith('https:'), nowMs };
  const fail = (c: Parameters<typeof page>[0], e: unknown) => {
    if (isAppError(e)) {
      // Never the link or a code: what was refused, for whoever watches the logs.
      c.get('log')?.warn(
        { step_up_refused: e.code, link: (e.details as { link?: string })?.link },
        'step-up refused',
      );
      return errorPage(c, e.code, e.message);
    }
    c.get('log')?.error({ err_name: (e as Error)?.name }, 'step-up page failed');
    return page(
      c,
      503,
      'Not available',
      'jitsudo could not finish this just now; nothing was recorded. Try again.',
    );
  };

  app.get(`${STEP_UP_PATH}/callback`, async (c) => {
    const pending = readCookie(c, jar, Pending);
    if (!pending)
      return page(
        c,
        400,
        'Not done',
        'This sign-in has no session here (expired, or not started from a jitsudo link); open the link again.',
      );
    const q = new URL(c.req.url).searchParams;
    if (q.get('error'))
      return page(c, 401, 'Not done', 'The sign-in was cancelled or refused; nothing was recorded.');
    const state = q.get('state') ?? '';
    if (
      state.length !== pending.state.length ||
      !timingSafeEqual(Buffer.from(state), Buffer.from(pending.state))
    )
      return page(
        c,
        400,
        'Not done',
        'This sign-in does not match the one started here; open the link again.',
      );
    try {
      const callback = new URL(o.redirectUri);
      callback.search = new URL(c.req.url).search;
      const actor = await o.signIn.finish(callback, pending);
      const { request: view, purpose } = await o.openLink(actor, pending.link);
      const csrf = randomBytes(24).toString('base64url');
      writeCookie(
        c,
        jar,
        {
          k: 'session',
          link: pending.link,
          csrf,
          exp: nowMs() + FLOW_MS,
          actor: {
            identity: actor.identity,
            kind: 'human',
            groups: actor.groups,
            scopes: actor.scopes,
            isAdmin: actor.isAdmin,
            authTime: actor.authTime!,
          },
        },
        'Strict',
      );
      return decisionPage(c, view, actor.identity, csrf, purpose);
    } catch (e) {
      clearCookie(c, jar);
      return fail(c, e);
    }
  });

  app.post(`${STEP_UP_PATH}/decide`, async (c) => {
    const session = readCookie(c, jar, Session);
    if (!session)
      return page(
        c,
        400,
        'Not done',
        'This page has no signed-in session (expired or missing); open the link again.',
      );
    if (!(c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded'))
      return page(c, 415, 'Not done', 'Expected a form.');
    const raw = await c.req.text();
    if (raw.length > MAX_FORM) return page(c, 413, 'Not done', 'Form too large.');
    const form = new URLSearchParams(raw);
    const csrf = form.get('csrf') ?? '';
    if (csrf.length !== session.csrf.length || !timingSafeEqual(Buffer.from(csrf), Buffer.from(session.csrf)))
      return page(
        c,
        403,
        'Not done',
        'This form did not come from the page jitsudo showed you; nothing was recorded.',
      );
    const decision = form.get('decision');
    if (!decision || !CHOICES.has(decision)) return page(c, 400, 'Not done', 'Choose one of the buttons.');
    try {
      const v = await o.decide(session.actor, {
        token: session.link,
        decision: decision as Choice,
        comment: (form.get('comment') ?? '').slice(0, 1000),
      });
      clearCookie(c, jar);
      const done = DONE[decision as Choice];
      return page(c, 200, 'Done', `${done}. Request ${v.id} is now ${v.state}.`);
    } catch (e) {
      return fail(c, e);
    }
  });

  app.get(`${STEP_UP_PATH}/:token`, async (c) => {
    const token = c.req.param('token');
    try {
      await o.checkLink(token);
      const { url, checks } = await o.signIn.start();
      writeCookie(c, jar, { k: 'pending', link: token, ...checks, exp: nowMs() + FLOW_MS }, 'Lax');
      pageHeaders(c);
      return c.redirect(url.toString(), 302);
    } catch (e) {
      return fail(c, e);
    }
  });
}
