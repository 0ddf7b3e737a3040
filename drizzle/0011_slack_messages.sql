-- Slack (ADR 0048): where each request's message was posted, per channel, so later events update
-- it in place: chat.update needs the channel's id and the message's ts. Keyed by the channel as
-- configured (an id or a name), so a retried post skips the channels it already reached.
CREATE TABLE "slack_messages" (
	"request_id" text NOT NULL,
	"channel" text NOT NULL,
	"channel_id" text NOT NULL,
	"ts" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "slack_messages_request_id_channel_pk" PRIMARY KEY("request_id","channel")
);
