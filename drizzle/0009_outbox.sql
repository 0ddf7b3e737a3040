-- Transactional outbox (ADR 0046): one row per event, written in the transaction of the state
-- change (with its audit row); per-sink delivery rows are fanned out by the delivery worker.
CREATE TABLE "outbox_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"request_id" text,
	"payload" text NOT NULL,
	"dedupe_key" text,
	"dispatched" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "outbox_events_undispatched_idx" ON "outbox_events" USING btree ("id") WHERE "outbox_events"."dispatched" = false;--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_events_dedupe_key_idx" ON "outbox_events" USING btree ("dedupe_key");--> statement-breakpoint
CREATE TABLE "outbox_deliveries" (
	"event_id" text NOT NULL,
	"sink" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "outbox_deliveries_event_id_sink_pk" PRIMARY KEY("event_id","sink"),
	CONSTRAINT "outbox_deliveries_state_check" CHECK ("outbox_deliveries"."state" in ('pending', 'delivered', 'dead'))
);
--> statement-breakpoint
ALTER TABLE "outbox_deliveries" ADD CONSTRAINT "outbox_deliveries_event_id_outbox_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."outbox_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_deliveries_due_idx" ON "outbox_deliveries" USING btree ("sink","next_attempt_at") WHERE "outbox_deliveries"."state" = 'pending';
