/**
 * `POST /slack/interactions` (ADR 0048): Slack's interactivity endpoint for the Approve / Deny
 * buttons. The request is authenticated by Slack's signature (no bearer token: Slack cannot send
 * one), refused when stale or replayed, its form-encoded `payload` parsed strictly, and answered
 * 200 at once — Slack wants an answer within 3 s; the decision runs after the answer, through the
 * same core verbs as every surface (`onAction`). Nothing is changed before the signature holds;
 * bad input is a 4xx, never a 500.
 */
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { HonoEnv } from '../env.js';
import { ReplayGuard, slackSignatureProblem } from '../middleware/slack-signature.js';

export const SLACK_INTERACTIONS_PATH = '/slack/interactions';
const DEFAULT_MAX_BODY = 64 * 1024;

/** A button click, as the surface hands it on (after the 200). */
export interface SlackAction {
  /** `review`: the Review button of a break-glass alert (ADR 0050). */
  kind: 'approve' | 'deny' | 'review';
  requestId: string;
  slackUserId: string;
  /** Where to answer the clicker privately (chat.postEphemeral); absent outside a channel. */
  channelId?: string;
}

export interface SlackRouteOptions {
  signingSecret: string;
  /** Maps action ids to what they do; any other action id is acknowledged and ignored. */
  actions: Readonly<Record<string, SlackAction['kind']>>;
  /** Runs after Slack got its 200; failures are its own to report (never thrown here). */
  onAction(a: SlackAction): Promise<void>;
  /**
   * Runs after a signature refusal was answered (ADR 0056: audited under a bound); failures are
   * logged here, never thrown to the sender.
   */
  onRefused?(reason: SignatureRefusal): Promise<unknown>;
  /** Wall clock in seconds (Slack's timestamps are wall-clock). */
  nowSeconds?: () => number;
  maxBodyBytes?: number;
  log?: Logger;
}

/** Why a request failed Slack's signature check (the reasons core audits, ADR 0056). */
export type SignatureRefusal = 'missing_signature' | 'bad_signature' | 'stale_timestamp' | 'replayed';
const PROBLEM: Record<'missing' | 'stale' | 'bad_signature', SignatureRefusal> = {
  missing: 'missing_signature',
  stale: 'stale_timestamp',
  bad_signature: 'bad_signature',
};

const Id = z.string().min(1).max(64);
const BlockActions = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().regex(/^[UW][A-Z0-9]{2,30}$/) }),
  trigger_id: z.string().min(1).max(128).optional(),
  channel: z.object({ id: z.string().regex(/^[CDG][A-Z0-9]{2,30}$/) }).optional(),
  actions: z
    .array(z.object({ action_id: z.string().min(1).max(255), value: z.string().max(2000).optional() }))
    .min(1)
    .max(25),
});

/** The interactivity endpoint on `app` (outside the bearer-authenticated API). */
export function registerSlackRoutes(app: Hono<HonoEnv>, opts: SlackRouteOptions): void {
  const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const now = opts.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const replays = new ReplayGuard();
  app.post(SLACK_INTERACTIONS_PATH, async (c) => {
    const log = c.get('log') ?? opts.log;
    const refuse = (status: 400 | 401 | 413 | 415, why: string) => {
      log?.warn({ slack_refused: why }, 'slack interaction refused');
      return c.text(why, status);
    };
    if (Number(c.req.header('content-length') ?? 0) > max) return refuse(413, 'payload too large');
    if (!(c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded'))
      return refuse(415, 'expected application/x-www-form-urlencoded');
    const raw = await c.req.text();
    if (Buffer.byteLength(raw) > max) return refuse(413, 'payload too large');
    const refuseSigned = (reason: SignatureRefusal, why: string) => {
      // After the answer, like the clicks: the sender waits for no database write.
      if (opts.onRefused)
        setImmediate(() =>
          opts.onRefused!(reason).catch((e) =>
            log?.error({ err_name: (e as Error)?.name, slack_refused: reason }, 'slack refusal not audited'),
          ),
        );
      return refuse(401, why);
    };
    const t = now();
    const sig = c.req.header('x-slack-signature');
    const problem = slackSignatureProblem(
      opts.signingSecret,
      c.req.header('x-slack-request-timestamp'),
      sig,
      raw,
      t,
    );
    if (problem)
      return refuseSigned(PROBLEM[problem], problem === 'stale' ? 'stale timestamp' : 'invalid signature');
    if (!replays.firstSeen(`sig:${sig}`, t)) return refuseSigned('replayed', 'replayed request');
    let json: unknown;
    try {
      const field = new URLSearchParams(raw).getAll('payload');
      if (field.length !== 1) return refuse(400, 'expected one payload field');
      json = JSON.parse(field[0]!);
    } catch {
      return refuse(400, 'payload is not JSON');
    }
    // Other interaction types (shortcuts, views) are not ours: acknowledged, nothing done.
    if ((json as { type?: unknown })?.type !== 'block_actions') return c.body(null, 200);
    const p = BlockActions.safeParse(json);
    if (!p.success) return refuse(400, 'malformed block_actions payload');
    const v = p.data;
    if (v.trigger_id && !replays.firstSeen(`trigger:${v.trigger_id}`, t))
      return refuseSigned('replayed', 'replayed request');
    const known = v.actions.find((a) => opts.actions[a.action_id] !== undefined);
    if (!known) return c.body(null, 200);
    const id = Id.safeParse(known.value);
    if (!id.success) return refuse(400, 'malformed action value');
    const action: SlackAction = {
      kind: opts.actions[known.action_id]!,
      requestId: id.data,
      slackUserId: v.user.id,
      ...(v.channel ? { channelId: v.channel.id } : {}),
    };
    // After the answer: Slack shows an error to the clicker if it waits more than 3 s.
    setImmediate(() => {
      opts
        .onAction(action)
        .catch((e) =>
          log?.error({ err_name: (e as Error)?.name }, 'slack interaction failed after acknowledging'),
        );
    });
    return c.body(null, 200);
  });
}
