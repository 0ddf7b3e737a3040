-- Step-up approvals (ADR 0050): the approval policy's `step_up`, fixed at creation like the quorum,
-- and the single-use links a Slack click hands out instead of deciding. A link's token is a random
-- id (stored only as its SHA-256) plus an HMAC; it is consumed under this row's lock in the
-- transaction of the decision it carries.
ALTER TABLE "requests" ADD COLUMN "step_up" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "step_up_links" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"decision" text NOT NULL,
	"principal" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "step_up_links_decision_check" CHECK ("step_up_links"."decision" in ('approve', 'review'))
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "step_up_links_expires_idx" ON "step_up_links" USING btree ("expires_at");
