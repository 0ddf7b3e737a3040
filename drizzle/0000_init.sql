CREATE TABLE "agents" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"owner" text NOT NULL,
	"scopes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "agents_name_unique" UNIQUE("name"),
	CONSTRAINT "agents_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "approvals" (
	"id" text PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"actor_identity" text NOT NULL,
	"actor_kind" text NOT NULL,
	"on_behalf_of" text,
	"decision" text NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"reasoning" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "approvals_decision_check" CHECK ("approvals"."decision" in ('approve', 'deny', 'escalate'))
);
--> statement-breakpoint
CREATE TABLE "audit_checkpoints" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"row_count" bigint NOT NULL,
	"head_id" bigint NOT NULL,
	"head_hash" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"key_id" text NOT NULL,
	"signature" text NOT NULL,
	"public_key" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigint PRIMARY KEY NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"actor_kind" text NOT NULL,
	"on_behalf_of" text,
	"action" text NOT NULL,
	"request_id" text,
	"provider" text,
	"resource_scope" text,
	"outcome" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_events_outcome_check" CHECK ("audit_events"."outcome" in ('success', 'denied', 'failure', 'error'))
);
--> statement-breakpoint
CREATE TABLE "policies" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"package" text DEFAULT '' NOT NULL,
	"rego" text NOT NULL,
	"rego_version" text DEFAULT 'v1' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text DEFAULT '' NOT NULL,
	CONSTRAINT "policies_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "policy_revisions" (
	"policy_id" text NOT NULL,
	"revision" integer NOT NULL,
	"name" text NOT NULL,
	"rego" text NOT NULL,
	"rego_version" text DEFAULT 'v1' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"enabled" boolean NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	CONSTRAINT "policy_revisions_policy_id_revision_pk" PRIMARY KEY("policy_id","revision")
);
--> statement-breakpoint
CREATE TABLE "principals" (
	"identity" text PRIMARY KEY NOT NULL,
	"kind" text DEFAULT 'human' NOT NULL,
	"trust_tier" integer DEFAULT 0 NOT NULL,
	"enrolled_by" text DEFAULT '' NOT NULL,
	"enrolled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	CONSTRAINT "principals_trust_tier_check" CHECK ("principals"."trust_tier" between 0 and 4),
	CONSTRAINT "principals_kind_check" CHECK ("principals"."kind" in ('human', 'agent'))
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"id" text PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"requester_identity" text NOT NULL,
	"requester_kind" text DEFAULT 'human' NOT NULL,
	"requester_groups" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"agent_id" text,
	"agent_name" text,
	"agent_owner" text,
	"provider" text NOT NULL,
	"role" text NOT NULL,
	"resource_scope" text DEFAULT '' NOT NULL,
	"duration_seconds" integer NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"break_glass" boolean DEFAULT false NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"approver_tier" text DEFAULT 'human' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"pending_expires_at" timestamp with time zone,
	"escalate_at" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"granted_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	"grant_handle" jsonb,
	"credentials_enc" text,
	"grant_attempts" integer DEFAULT 0 NOT NULL,
	"revoke_attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_error" text,
	"version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "requests_state_check" CHECK (state in ('PENDING', 'APPROVED', 'ACTIVE', 'REJECTED', 'CANCELLED', 'EXPIRED', 'REVOKED', 'FAILED')),
	CONSTRAINT "requests_requester_kind_check" CHECK ("requests"."requester_kind" in ('human', 'agent')),
	CONSTRAINT "requests_approver_tier_check" CHECK ("requests"."approver_tier" in ('auto', 'ai_review', 'human')),
	CONSTRAINT "requests_duration_check" CHECK ("requests"."duration_seconds" > 0)
);
--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approvals_request_idx" ON "approvals" USING btree ("request_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_request_idx" ON "audit_events" USING btree ("request_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_action_idx" ON "audit_events" USING btree ("action","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_ts_idx" ON "audit_events" USING btree ("ts");--> statement-breakpoint
CREATE INDEX "requests_requester_created_idx" ON "requests" USING btree ("requester_identity","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "requests_created_idx" ON "requests" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "requests_state_expires_idx" ON "requests" USING btree ("state","expires_at");--> statement-breakpoint
CREATE INDEX "requests_state_pending_expires_idx" ON "requests" USING btree ("state","pending_expires_at");--> statement-breakpoint
CREATE INDEX "requests_state_next_attempt_idx" ON "requests" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "requests_state_escalate_idx" ON "requests" USING btree ("state","escalate_at");