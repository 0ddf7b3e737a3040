/**
 * What a Slack button click does once acknowledged (ADR 0048): the Slack user's email (users.info,
 * cached for user_cache_seconds) names a jitsudo person — one the IdP has signed in before — who
 * then approves or denies through the same core verb as every surface, as a human with no groups
 * (Slack cannot vouch for IdP groups: an approval that needs a group fails closed). A refusal is
 * told to the clicker alone (chat.postEphemeral); a decision updates the message through its
 * outbox event, like any other surface's decision. Approve on a step_up request decides nothing
 * (a Slack click is no fresh sign-in, ADR 0050): the clicker gets a single-use link to sign in again.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Actor } from '../../core/actor.js';
import type { SlackRefusal } from '../../core/audit/record-slack-refusal.js';
import type { CoreDeps } from '../../core/deps.js';
import { AppError } from '../../core/errors.js';
import { knownHumanByEmail } from '../../core/identity/known-human.js';
import type { SlackAction } from '../../http/routes/slack.js';
import { APPROVE_ACTION, DENY_ACTION, REVIEW_ACTION } from './blocks.js';
import { slackErrorCode } from './client.js';

type Decide = (actor: Actor, input: unknown) => Promise<unknown>;

export const SLACK_ACTIONS = {
  [APPROVE_ACTION]: 'approve',
  [DENY_ACTION]: 'deny',
  [REVIEW_ACTION]: 'review',
} as const;
const MAX_CACHED = 10_000;

export interface SlackInteractionDeps {
  deps: Pick<CoreDeps, 'db' | 'config'>;
  client: WebClient;
  verbs: { approveRequest: Decide; denyRequest: Decide };
  log: Logger;
  cacheSeconds: number;
  /** Step-up links (ADR 0050); absent: the pages are not configured and core refuses such clicks. */
  stepUp?: {
    issue(
      actor: Actor,
      input: { id: string; decision: 'approve' | 'review' },
    ): Promise<{ token: string; expiresAt: Date } | null>;
    url(token: string): string;
  };
  /** Wall clock (ms) for the cache. */
  nowMs?: () => number;
  /** Audits a click by a Slack user who names no jitsudo person (bounded, ADR 0056). */
  refused?: (r: SlackRefusal) => Promise<unknown>;
}

export class SlackInteractions {
  readonly #d: SlackInteractionDeps;
  readonly #emails = new Map<string, { email: string | null; until: number }>();

  constructor(d: SlackInteractionDeps) {
    this.#d = d;
  }

  /** Runs the click; never throws (failures are told to the clicker and logged without secrets). */
  async handle(a: SlackAction): Promise<void> {
    let email: string | null;
    try {
      email = await this.#email(a.slackUserId);
    } catch (e) {
      this.#d.log.warn({ slack_error: slackErrorCode(e) }, 'slack users.info failed');
      return this.#tell(
        a,
        'jitsudo could not look you up in Slack just now; nothing was recorded. Try again.',
      );
    }
    const actor = email ? await knownHumanByEmail(this.#d.deps, email) : null;
    if (!actor) {
      this.#d.log.warn(
        { slack_user: a.slackUserId, request_id: a.requestId },
        'slack user has no jitsudo identity',
      );
      await this.#d
        .refused?.({
          reason: 'unknown_user',
          slackUserId: a.slackUserId,
          requestId: a.requestId,
          ...(a.kind !== 'review' ? { attempted: a.kind } : {}),
        })
        .catch((e) => this.#d.log.error({ err_name: (e as Error)?.name }, 'slack refusal not audited'));
      return this.#tell(
        a,
        'jitsudo does not know you: your Slack email must be that of a person who has signed in to jitsudo. Nothing was recorded.',
      );
    }
    if (a.kind === 'review') return this.#review(a, actor);
    try {
      if (a.kind === 'approve' && this.#d.stepUp) {
        const link = await this.#d.stepUp.issue(actor, { id: a.requestId, decision: 'approve' });
        if (link)
          return this.#tell(a, stepUpText(this.#d.stepUp.url(link.token), link.expiresAt, a.requestId));
      }
      if (a.kind === 'approve')
        await this.#d.verbs.approveRequest(actor, { id: a.requestId, comment: 'approved in Slack' });
      else await this.#d.verbs.denyRequest(actor, { id: a.requestId, reason: 'denied in Slack' });
    } catch (e) {
      // Core hides a request this person may not decide (NOT_FOUND) and audits nothing for it; the
      // click came from our own message, so the attempt is audited here, bounded (ADR 0056).
      if (e instanceof AppError && e.code === 'NOT_FOUND')
        await this.#d
          .refused?.({
            reason: 'may_not_decide',
            identity: actor.identity,
            slackUserId: a.slackUserId,
            requestId: a.requestId,
            attempted: a.kind,
          })
          .catch((err) => this.#d.log.error({ err_name: (err as Error)?.name }, 'slack refusal not audited'));
      // AppError messages are written to be shown to the caller; anything else is not.
      const why = e instanceof AppError ? e.message : 'jitsudo could not record it; try again or use the CLI';
      if (!(e instanceof AppError) || e.code === 'INTERNAL')
        this.#d.log.error({ request_id: a.requestId, err_name: (e as Error)?.name }, 'slack decision failed');
      return this.#tell(a, `Your ${a.kind === 'approve' ? 'approval' : 'denial'} was not recorded: ${why}`);
    }
  }

  /** Review of break-glass (ADR 0050): always a step-up action, so a link (or the CLI), never a decision here. */
  async #review(a: SlackAction, actor: Actor): Promise<void> {
    const cli = `run \`jitsudo login\`, then \`jitsudo review ${a.requestId} --outcome justified|unjustified --comment "…"\``;
    let link: { token: string; expiresAt: Date } | null = null;
    try {
      link = (await this.#d.stepUp?.issue(actor, { id: a.requestId, decision: 'review' })) ?? null;
    } catch (e) {
      const why = e instanceof AppError ? e.message : 'jitsudo could not make a review link';
      return this.#tell(a, `No review link: ${why}. To review, ${cli}.`);
    }
    if (!link)
      return this.#tell(a, `Reviewing break-glass request ${a.requestId} needs a fresh sign-in: ${cli}.`);
    return this.#tell(
      a,
      `Reviewing break-glass request ${a.requestId} needs a fresh sign-in. <${this.#d.stepUp!.url(link.token)}|Sign in and review> — the link works once, only for you, until ${link.expiresAt.toISOString()}.`,
    );
  }

  /** The Slack user's email, from the cache while fresh (null: Slack knows no email for them). */
  async #email(userId: string): Promise<string | null> {
    const now = (this.#d.nowMs ?? Date.now)();
    const hit = this.#emails.get(userId);
    if (hit && hit.until > now) return hit.email;
    const r = await this.#d.client.users.info({ user: userId });
    const u = r.user as { deleted?: boolean; is_bot?: boolean; profile?: { email?: string } } | undefined;
    const email =
      u && !u.deleted && !u.is_bot && typeof u.profile?.email === 'string' ? u.profile.email : null;
    this.#emails.delete(userId);
    if (this.#emails.size >= MAX_CACHED) this.#emails.delete(this.#emails.keys().next().value!);
    this.#emails.set(userId, { email, until: now + this.#d.cacheSeconds * 1000 });
    return email;
  }

  async #tell(a: SlackAction, text: string): Promise<void> {
    if (!a.channelId) return;
    try {
      await this.#d.client.chat.postEphemeral({ channel: a.channelId, user: a.slackUserId, text });
    } catch (e) {
      this.#d.log.warn({ slack_error: slackErrorCode(e) }, 'slack chat.postEphemeral failed');
    }
  }
}

/** The private answer to an Approve click on a step_up request: the link, for the clicker only. */
function stepUpText(url: string, expiresAt: Date, id: string): string {
  return (
    `Request ${id} needs a fresh sign-in to approve; nothing was recorded yet. ` +
    `<${url}|Sign in and decide> — the link works once, only for you, until ${expiresAt.toISOString()}.`
  );
}
