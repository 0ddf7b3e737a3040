/** The slack_messages table (ADR 0048): a request's message per channel. */
import { eq } from 'drizzle-orm';
import type { Executor } from './client.js';
import { slackMessages } from './schema/index.js';

export interface SlackMessageRef {
  /** As configured (id or name). */
  channel: string;
  /** As Slack answered: what chat.update takes. */
  channelId: string;
  ts: string;
}

/** The messages posted for `requestId`, oldest first. */
export async function slackMessagesOfRequest(exec: Executor, requestId: string): Promise<SlackMessageRef[]> {
  const rows = await exec
    .select({ channel: slackMessages.channel, channelId: slackMessages.channelId, ts: slackMessages.ts })
    .from(slackMessages)
    .where(eq(slackMessages.requestId, requestId))
    .orderBy(slackMessages.createdAt);
  return rows;
}

/** Remembers a posted message; a second post to the same channel keeps the first (the one updated). */
export async function insertSlackMessage(
  exec: Executor,
  m: SlackMessageRef & { requestId: string; now: Date },
): Promise<void> {
  await exec
    .insert(slackMessages)
    .values({
      requestId: m.requestId,
      channel: m.channel,
      channelId: m.channelId,
      ts: m.ts,
      createdAt: m.now,
    })
    .onConflictDoNothing();
}
