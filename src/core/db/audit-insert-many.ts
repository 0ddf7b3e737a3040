/** Multi-row insert of already-chained audit records: one round trip for a whole group commit. */
import { type SQL, sql } from 'drizzle-orm';
import type { AuditRecord } from '../audit/hash.js';
import type { Transaction } from './client.js';

/** Inserts `records` (with their canonical details texts) in one statement; the chain lock must be held. */
export async function insertAuditRecords(
  tx: Transaction,
  records: readonly { r: AuditRecord; detailsJson: string }[],
): Promise<void> {
  if (records.length === 0) return;
  const rows: SQL[] = records.map(
    ({ r, detailsJson }) =>
      sql`(${r.id}, ${r.ts}::timestamptz, ${r.actor}, ${r.actor_kind}, ${r.on_behalf_of}, ${r.action}, ${r.request_id},
        ${r.provider}, ${r.resource_scope}, ${r.outcome}, ${detailsJson}, ${r.prev_hash}, ${r.hash})`,
  );
  await tx.execute(sql`insert into audit_events
    (id, ts, actor, actor_kind, on_behalf_of, action, request_id, provider, resource_scope, outcome, details, prev_hash, hash)
    values ${sql.join(rows, sql`, `)}`);
}
