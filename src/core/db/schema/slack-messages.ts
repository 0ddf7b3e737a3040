import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Where a request's Slack message lives per channel (ADR 0048): chat.update needs channel + ts. */
export const slackMessages = pgTable(
  'slack_messages',
  {
    requestId: text('request_id').notNull(),
    /** The channel as configured (an id or a name). */
    channel: text('channel').notNull(),
    /** The channel's id as Slack answered the post. */
    channelId: text('channel_id').notNull(),
    /** Slack's message timestamp: the message's id within its channel. */
    ts: text('ts').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.channel] })],
);
