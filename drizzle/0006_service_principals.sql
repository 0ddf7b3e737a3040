-- OIDC client-credentials callers are principals of their own kind (ADR 0040).
ALTER TABLE "principals" DROP CONSTRAINT "principals_kind_check";--> statement-breakpoint
ALTER TABLE "principals" ADD CONSTRAINT "principals_kind_check" CHECK ("principals"."kind" in ('human', 'agent', 'service'));--> statement-breakpoint
ALTER TABLE "requests" DROP CONSTRAINT "requests_requester_kind_check";--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_requester_kind_check" CHECK ("requests"."requester_kind" in ('human', 'agent', 'service'));
