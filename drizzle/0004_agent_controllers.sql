ALTER TABLE "agents" ADD COLUMN "created_by" text;--> statement-breakpoint
UPDATE "agents" AS a SET "created_by" = c."actor"
FROM (
	SELECT DISTINCT ON (k."agent_id") k."agent_id", k."actor"
	FROM (
		SELECT e."id", e."actor",
			CASE WHEN e."action" = 'agent.created' AND left(e."details", 1) = '{'
				THEN e."details"::jsonb ->> 'agent_id' END AS "agent_id"
		FROM "audit_events" AS e
		WHERE e."action" = 'agent.created'
	) AS k
	WHERE k."agent_id" IS NOT NULL
	ORDER BY k."agent_id", k."id"
) AS c
WHERE c."agent_id" = a."id";--> statement-breakpoint
UPDATE "agents" SET "created_by" = "owner" WHERE "created_by" IS NULL;--> statement-breakpoint
ALTER TABLE "agents" ALTER COLUMN "created_by" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "agent_created_by" text;--> statement-breakpoint
UPDATE "requests" AS r SET "agent_created_by" = a."created_by" FROM "agents" AS a WHERE r."agent_id" = a."id";--> statement-breakpoint
ALTER TABLE "principals" ADD COLUMN "agent_id" text;--> statement-breakpoint
UPDATE "principals" AS p SET "agent_id" = a."id", "kind" = 'agent' FROM "agents" AS a WHERE p."identity" = 'agent:' || a."name";--> statement-breakpoint
DELETE FROM "principals" WHERE "agent_id" IS NULL AND "identity" LIKE 'agent:%';--> statement-breakpoint
ALTER TABLE "principals" ADD CONSTRAINT "principals_agent_id_unique" UNIQUE("agent_id");--> statement-breakpoint
ALTER TABLE "principals" ADD CONSTRAINT "principals_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "principals" ADD CONSTRAINT "principals_agent_id_check" CHECK (("principals"."agent_id" is null or "principals"."kind" = 'agent') and ("principals"."identity" not like 'agent:%' or "principals"."agent_id" is not null));
