-- N-of-M approvals (ADR 0044): the quorum and the approver groups the approval policy set at creation,
-- and each approver's groups when they decided (a policy may ask for approvers of different teams).
ALTER TABLE "requests" ADD COLUMN "approvals_required" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "approver_groups" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_approvals_required_check" CHECK ("requests"."approvals_required" between 1 and 10);--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "actor_groups" jsonb DEFAULT '[]'::jsonb NOT NULL;
