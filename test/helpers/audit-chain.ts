/** Re-hashing the audit chain independently of the verifier under test, so a verifier bug cannot hide a break. */
import { GENESIS_HASH, hashAuditRecord } from '../../src/core/audit/hash.js';
import { scanAuditRecords } from '../../src/core/db/audit-repo.js';
import type { Database } from '../../src/core/db/client.js';

/** The id of the first audit row whose hash or link is wrong, or null when the whole chain verifies. */
export async function brokenAuditRow(db: Database): Promise<number | null> {
  let prev = GENESIS_HASH;
  let after = 0;
  for (;;) {
    const rows = await scanAuditRecords(db, after, 5000);
    for (const r of rows) {
      const { hash, ...rest } = r;
      if (r.prev_hash !== prev || hashAuditRecord(rest) !== hash || r.id !== after + 1) return r.id;
      prev = hash;
      after = r.id;
    }
    if (rows.length < 5000) return null;
  }
}
