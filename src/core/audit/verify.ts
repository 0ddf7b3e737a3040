import { z } from 'zod';
import type { Actor } from '../actor.js';
import { exportPublicKey } from '../crypto/secrets.js';
import { listCheckpoints, scanAuditCopy } from '../db/audit-repo.js';
import { AppError } from '../errors.js';
import { type AuditDeps, assertAuditor } from './access.js';
import { type AuditVerifyReport, ChainVerifier } from './chain-verifier.js';

export const VerifyAuditInput = z
  .object({ batch_size: z.number().int().min(100).max(100_000).default(10_000) })
  .strict()
  .default({ batch_size: 10_000 });
export type VerifyAuditInput = z.input<typeof VerifyAuditInput>;

/**
 * Re-hashes the whole chain in id order (streamed in batches) against the signed checkpoints; reports
 * the first broken row and why. Read-only; rows appended meanwhile are verified if reached.
 */
export async function verifyAudit(
  deps: AuditDeps,
  actor: Actor,
  input: unknown = {},
): Promise<AuditVerifyReport & { elapsed_ms: number }> {
  assertAuditor(actor, 'verify the audit log');
  const parsed = VerifyAuditInput.safeParse(input ?? {});
  if (!parsed.success) throw new AppError('VALIDATION', `invalid input: ${parsed.error.issues[0]!.message}`);
  return verifyAuditChain(deps, parsed.data.batch_size);
}

/** verifyAudit without the actor check, for the server's own start-up/periodic verification and benchmarks. */
export async function verifyAuditChain(
  deps: AuditDeps,
  batchSize = 10_000,
): Promise<AuditVerifyReport & { elapsed_ms: number }> {
  const started = performance.now();
  // Checkpoints first: every one of them then refers to rows the scan below will reach.
  const checkpoints = await listCheckpoints(deps.db);
  const v = new ChainVerifier(checkpoints, exportPublicKey(deps.keys.signingPublicKey));
  // Pipelined: the next batch is requested before this one is hashed (PostgreSQL works meanwhile).
  let next = scanAuditCopy(deps.db, 0, batchSize);
  while (!v.done) {
    const batch = await next;
    if (batch.rows === 0) break;
    const full = batch.rows === batchSize;
    if (full) next = scanAuditCopy(deps.db, batch.lastId, batchSize);
    v.push(batch.text);
    if (!full) break;
  }
  return { ...v.finish(), elapsed_ms: Math.round(performance.now() - started) };
}
