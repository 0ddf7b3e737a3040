-- Request extensions (ADR 0045): an extension is a request row linked to the ACTIVE request it
-- extends; its approval moves that request's expiry. APPLIED is the extension's final state.
ALTER TABLE "requests" ADD COLUMN "extends_request_id" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "extension_ceiling_seconds" integer;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_extends_request_id_requests_id_fk" FOREIGN KEY ("extends_request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" DROP CONSTRAINT "requests_state_check";--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_state_check" CHECK (state in ('PENDING', 'APPROVED', 'ACTIVE', 'REJECTED', 'CANCELLED', 'EXPIRED', 'REVOKED', 'FAILED', 'APPLIED'));--> statement-breakpoint
CREATE UNIQUE INDEX "requests_one_open_extension_idx" ON "requests" USING btree ("extends_request_id") WHERE "requests"."extends_request_id" is not null and "requests"."state" in ('PENDING', 'APPROVED');
