-- SIEM streaming (ADR 0049): per SIEM sink, the last audit row id it has received, and a lease so
-- only one replica streams a sink at a time (rows stay in order).
CREATE TABLE IF NOT EXISTS "siem_cursors" (
	"sink" text PRIMARY KEY NOT NULL,
	"last_id" bigint DEFAULT 0 NOT NULL,
	"leased_until" timestamp with time zone,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
