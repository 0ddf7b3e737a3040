/** Where the Slack sink posted each request's message, so later events update it (ADR 0048). */
import {
  insertSlackMessage,
  type SlackMessageRef,
  slackMessagesOfRequest,
} from '../db/slack-messages-repo.js';
import type { CoreDeps } from '../deps.js';

export type { SlackMessageRef };

/** The messages already posted for a request (empty when none). */
export function slackMessagesOf(deps: Pick<CoreDeps, 'db'>, requestId: string): Promise<SlackMessageRef[]> {
  return slackMessagesOfRequest(deps.db, requestId);
}

/** Records a posted message; invariant: one message per request and channel (the first one wins). */
export function rememberSlackMessage(
  deps: Pick<CoreDeps, 'db' | 'now'>,
  requestId: string,
  ref: SlackMessageRef,
): Promise<void> {
  return insertSlackMessage(deps.db, { requestId, ...ref, now: deps.now() });
}
