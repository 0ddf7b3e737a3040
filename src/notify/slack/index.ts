/** Slack (ADR 0048): the sink for the outbox worker and the interactivity options for createApp. */
import type { Logger } from 'pino';
import type { Actor } from '../../core/actor.js';
import { recordSlackRefusal, type SlackRefusal } from '../../core/audit/record-slack-refusal.js';
import { RefusalLimiter, type RefusalLimits } from '../../core/audit/refusal-limiter.js';
import type { CoreDeps } from '../../core/deps.js';
import { AppError } from '../../core/errors.js';
import { approverCandidates } from '../../core/outbox/approvers.js';
import type { SlackRouteOptions } from '../../http/routes/slack.js';
import type { Sink } from '../sink.js';
import { slackClient, slackSecrets } from './client.js';
import { SLACK_ACTIONS, type SlackInteractionDeps, SlackInteractions } from './interactions.js';
import { SLACK_SINK_NAME, SlackSink } from './sink.js';

export { SLACK_ACTIONS, SlackInteractions } from './interactions.js';
export { channelsFor, SLACK_SINK_NAME, SlackSink } from './sink.js';

/** The Slack sink when notifications.slack is configured (its secrets read now). */
export function slackSinks(deps: Pick<CoreDeps, 'db' | 'now' | 'config'>): Sink[] {
  const s = deps.config.notifications.slack;
  if (!s) return [];
  if (deps.config.notifications.webhooks.some((w) => w.name === SLACK_SINK_NAME))
    throw new AppError(
      'VALIDATION',
      `invalid config key notifications.webhooks: the name ${SLACK_SINK_NAME} is taken by the Slack sink`,
    );
  const client = slackClient(slackSecrets(s).token, s.api_url);
  return [new SlackSink(deps, client, s, (id) => approverCandidates(deps, id))];
}

type Decide = (actor: Actor, input: unknown) => Promise<unknown>;

/**
 * What createApp needs to mount POST /slack/interactions; undefined when Slack is not configured.
 * Refusals nobody else audits go through core's recordSlackRefusal under this process's bound.
 */
export function slackRoute(
  deps: CoreDeps,
  verbs: { approveRequest: Decide; denyRequest: Decide },
  log: Logger,
  limits?: Partial<RefusalLimits>,
  /** Step-up links for Approve on step_up requests (ADR 0050; src/server/step-up-route.ts). */
  stepUp?: SlackInteractionDeps['stepUp'],
): SlackRouteOptions | undefined {
  const s = deps.config.notifications.slack;
  if (!s) return undefined;
  const { token, signingSecret } = slackSecrets(s);
  const limiter = new RefusalLimiter(limits);
  const refused = (r: SlackRefusal) => recordSlackRefusal(deps, limiter, r);
  const handler = new SlackInteractions({
    deps,
    client: slackClient(token, s.api_url),
    verbs,
    log,
    cacheSeconds: s.user_cache_seconds,
    refused,
    ...(stepUp ? { stepUp } : {}),
  });
  return {
    signingSecret,
    actions: SLACK_ACTIONS,
    onAction: (a) => handler.handle(a),
    onRefused: (reason) => refused({ reason }),
    log,
  };
}
