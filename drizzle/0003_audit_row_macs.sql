-- Audit rows carry a MAC from the server key; checkpoints are numbered and linked to their
-- predecessor (docs/adr/0035-audit-row-macs-and-anchors.md). Existing rows keep NULL MACs: they
-- verify only where a signed checkpoint covers them and before the first MAC'd row. Existing
-- checkpoints keep NULL seq/prev_digest: they are checked as the v1 payload they were signed with,
-- and the first numbered checkpoint links to the newest of them.
ALTER TABLE "audit_events" ADD COLUMN "mac_key_id" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "mac" text;--> statement-breakpoint
ALTER TABLE "audit_checkpoints" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "audit_checkpoints" ADD COLUMN "prev_digest" text;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_checkpoints_seq_idx" ON "audit_checkpoints" USING btree ("seq");
