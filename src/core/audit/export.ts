import type { Actor } from '../actor.js';
import { exportPublicKey } from '../crypto/secrets.js';
import { listCheckpoints, scanAuditRecords } from '../db/audit-repo.js';
import { type AuditDeps, assertAuditor } from './access.js';
import { AUDIT_HASH_VERSION } from './hash.js';

export const AUDIT_EXPORT_FORMAT = 'jitsudo.audit.export.v1';

/**
 * The whole log as JSON Lines: a header (format, hash version, the server's checkpoint public key),
 * then every checkpoint, then every event in id order. `verifyAuditExport` checks it offline.
 * Checkpoints are read first, so each refers to an event the export contains.
 */
export async function* exportAudit(
  deps: AuditDeps,
  actor: Actor,
  opts: { batchSize?: number; now?: Date } = {},
): AsyncGenerator<string> {
  assertAuditor(actor, 'export the audit log');
  const checkpoints = await listCheckpoints(deps.db);
  const publicKey = exportPublicKey(deps.keys.signingPublicKey);
  yield JSON.stringify({
    type: 'header',
    format: AUDIT_EXPORT_FORMAT,
    hash_version: AUDIT_HASH_VERSION,
    exported_at: (opts.now ?? new Date()).toISOString(),
    exported_by: actor.identity,
    public_key: publicKey,
  });
  for (const c of checkpoints) yield JSON.stringify({ type: 'checkpoint', ...c });
  const batch = opts.batchSize ?? 5000;
  let after = 0;
  for (;;) {
    const rows = await scanAuditRecords(deps.db, after, batch);
    for (const r of rows) yield JSON.stringify({ type: 'event', ...r });
    if (rows.length < batch) break;
    after = rows.at(-1)!.id;
  }
}
