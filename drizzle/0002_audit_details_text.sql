ALTER TABLE "audit_events" ALTER COLUMN "details" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "details" SET DATA TYPE text USING "details"::text;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "details" SET DEFAULT '{}';
