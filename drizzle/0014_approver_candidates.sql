-- Approvers to notify (ADR 0057): the groups a principal's last authenticated call carried, so the
-- Slack and email sinks can find *candidates* for a request's approver groups. Never authority:
-- every decision is re-checked by core against the decider's live token.
ALTER TABLE "principals" ADD COLUMN "groups" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
-- What a sink said about a delivery that succeeded (e.g. "approvers capped at 20 of 31"), shown by
-- the outbox status.
ALTER TABLE "outbox_deliveries" ADD COLUMN "note" text;--> statement-breakpoint
-- Pruning (ADR 0057) walks old dispatched events by age in bounded batches.
CREATE INDEX IF NOT EXISTS "outbox_events_dispatched_created_idx" ON "outbox_events" USING btree ("created_at") WHERE "outbox_events"."dispatched" = true;
