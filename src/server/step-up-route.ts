/**
 * Wires the step-up pages (ADR 0050) when jitsudod can run them: OIDC identity, a web client
 * (`auth.oidc.web_client_id` / `web_client_secret`) and the URL people reach jitsudod at
 * (`http.public_url`). Without them no link is handed out: a Slack click on a step_up request is
 * refused by core like any stale sign-in, and the approver uses `jitsudo login` + `jitsudo approve`.
 */
import { hkdfSync } from 'node:crypto';
import type { Actor } from '../core/actor.js';
import type { CoreDeps } from '../core/deps.js';
import { createWebSignIn } from '../core/identity/oidc/web-sign-in.js';
import {
  decideByStepUpLink,
  issueStepUpLink,
  openStepUpLink,
  readStepUpLink,
} from '../core/step-up/index.js';
import type { StepUpRouteOptions } from '../http/routes/step-up.js';
import { STEP_UP_PATH } from '../http/routes/step-up.js';

/** What Slack needs to hand out a link: the verb, and where links point. */
export interface StepUpLinks {
  issue(
    actor: Actor,
    input: { id: string; decision: 'approve' | 'review' },
  ): Promise<{ token: string; expiresAt: Date } | null>;
  url(token: string): string;
}

const base = (deps: CoreDeps) => {
  const o = deps.config.auth.oidc;
  const pub = deps.config.http.public_url;
  if (deps.config.auth.mode !== 'oidc' || !o?.web_client_id || !o.web_client_secret || !pub) return undefined;
  return {
    oidc: { ...o, web_client_id: o.web_client_id, web_client_secret: o.web_client_secret },
    root: pub.replace(/\/+$/, ''),
  };
};

/** The link issuer for Slack, or undefined when the pages are not configured. */
export function stepUpLinks(deps: CoreDeps): StepUpLinks | undefined {
  const b = base(deps);
  if (!b) return undefined;
  return {
    issue: (actor, input) => issueStepUpLink(deps, actor, input),
    url: (token) => `${b.root}${STEP_UP_PATH}/${token}`,
  };
}

/** The options of the /step-up pages, or undefined when they are not configured. */
export function stepUpRoute(deps: CoreDeps): StepUpRouteOptions | undefined {
  const b = base(deps);
  if (!b) return undefined;
  const redirectUri = `${b.root}${STEP_UP_PATH}/callback`;
  return {
    signIn: createWebSignIn(deps.config, {
      oidc: b.oidc,
      redirectUri,
      maxAgeSeconds: deps.config.approvals.step_up_max_age_seconds,
      scope: b.oidc.web_scopes?.join(' '),
    }),
    redirectUri,
    cookieKey: Buffer.from(
      hkdfSync('sha256', deps.keys.encryptionKey, Buffer.alloc(0), 'jitsudo step-up cookie', 32),
    ),
    checkLink: (token) => readStepUpLink(deps, token),
    openLink: (actor, token) => openStepUpLink(deps, actor, token),
    decide: (actor, input) => decideByStepUpLink(deps, actor, input),
    nowMs: () => deps.now().getTime(),
  };
}
