import type { Actor } from '../actor.js';
import { exportPublicKey } from '../crypto/secrets.js';
import { insertCheckpoint, listCheckpoints, readAuditHead } from '../db/audit-repo.js';
import { type AuditDeps, assertAuditor } from './access.js';
import { type AuditCheckpoint, signCheckpoint } from './checkpoint-sign.js';

/**
 * Signs and stores a checkpoint of the current head (Ed25519 over head hash + row count), making a
 * later deletion of rows up to it detectable. Returns null for an empty log or when the newest
 * checkpoint already covers the head. System use (timer) — no actor.
 */
export async function createCheckpoint(
  deps: AuditDeps,
  now: Date = new Date(),
): Promise<AuditCheckpoint | null> {
  const head = await readAuditHead(deps.db);
  if (!head) return null;
  const existing = await listCheckpoints(deps.db);
  const last = existing.at(-1);
  if (last && last.head_id >= head.id && last.public_key === exportPublicKey(deps.keys.signingPublicKey))
    return null;
  const signed = signCheckpoint(deps.keys.signingKey, deps.keys.signingPublicKey, {
    row_count: head.id,
    head_id: head.id,
    head_hash: head.hash,
    signed_at: now.toISOString(),
  });
  return insertCheckpoint(deps.db, signed);
}

/** The checkpoint verb for surfaces: admins/auditors only; same invariant as createCheckpoint. */
export async function checkpointAudit(deps: AuditDeps, actor: Actor): Promise<AuditCheckpoint | null> {
  assertAuditor(actor, 'create audit checkpoints');
  return createCheckpoint(deps);
}
