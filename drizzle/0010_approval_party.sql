-- Quorum approvals (ADR 0044): everyone an approval speaks for — the approver and, for an agent,
-- its owner and creator — so approvals whose parties meet count once.
ALTER TABLE "approvals" ADD COLUMN "actor_party" jsonb DEFAULT '[]'::jsonb NOT NULL;