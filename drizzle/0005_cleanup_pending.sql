ALTER TABLE "requests" ADD COLUMN "target_facts" jsonb;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "cleanup_pending" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "cleanup_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "cleanup_next_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "cleanup_error" text;--> statement-breakpoint
CREATE INDEX "requests_cleanup_next_idx" ON "requests" USING btree ("cleanup_next_at") WHERE "requests"."cleanup_pending" is not null;
