import { z } from 'zod';
import type { Actor } from '../actor.js';
import { listCheckpoints, scanAuditCopy } from '../db/audit-repo.js';
import { AppError } from '../errors.js';
import { type AuditDeps, assertAuditor } from './access.js';
import { type AuditVerifyReport, ChainVerifier, type VerifierTrust } from './chain-verifier.js';
import type { AuditCheckpoint } from './checkpoint-sign.js';
import { macKeyring } from './row-mac.js';

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/** A checkpoint as an anchor holds it (one line of the `audit.anchor` file). */
export const AnchoredCheckpoint = z
  .object({
    type: z.literal('checkpoint').optional(),
    id: z.number().int().nonnegative(),
    seq: z.number().int().positive(),
    prev_digest: Hex64,
    row_count: z.number().int().nonnegative(),
    head_id: z.number().int().nonnegative(),
    head_hash: Hex64,
    signed_at: z.string().min(1).max(40),
    key_id: z.string().max(64),
    signature: z.string().min(1).max(200),
    public_key: z.string().min(1).max(100),
  })
  .strict();

export const VerifyAuditInput = z
  .object({
    batch_size: z.number().int().min(100).max(100_000).default(10_000),
    /** The newest checkpoint kept outside the database (`jitsudo audit verify --anchor <file>`). */
    anchor: AnchoredCheckpoint.optional(),
  })
  .strict()
  .default({ batch_size: 10_000 });
export type VerifyAuditInput = z.input<typeof VerifyAuditInput>;

export type AuditVerifyResult = AuditVerifyReport & { elapsed_ms: number };

/**
 * Re-hashes the whole chain in id order (streamed in batches), checks every row's server MAC and the
 * numbered, linked checkpoints (and an anchored copy, if given); reports the first broken row and
 * why. Read-only; rows appended meanwhile are verified if reached.
 */
export async function verifyAudit(
  deps: AuditDeps,
  actor: Actor,
  input: unknown = {},
): Promise<AuditVerifyResult> {
  assertAuditor(actor, 'verify the audit log');
  const parsed = VerifyAuditInput.safeParse(input ?? {});
  if (!parsed.success) throw new AppError('VALIDATION', `invalid input: ${parsed.error.issues[0]!.message}`);
  const { type: _t, ...anchor } = parsed.data.anchor ?? { type: undefined };
  return verifyAuditChain(
    deps,
    parsed.data.batch_size,
    parsed.data.anchor ? (anchor as AuditCheckpoint) : undefined,
  );
}

/** What the server trusts when it verifies: its own keys, current and retired — never the database's. */
export function serverTrust(keys: AuditDeps['keys']): VerifierTrust {
  return { checkpointKeys: keys.trustedCheckpointKeys, macKeys: macKeyring(keys.auditMacKeys) };
}

/** verifyAudit without the actor check, for the server's own start-up/periodic verification and benchmarks. */
export async function verifyAuditChain(
  deps: AuditDeps,
  batchSize = 10_000,
  anchor?: AuditCheckpoint,
): Promise<AuditVerifyResult> {
  const started = performance.now();
  // Rows a signed checkpoint covers skip their MAC (ADR 0035, "Verification cost"); a break found
  // that way is re-verified with every MAC checked, so it is reported exactly where a full check would.
  let report = await scanChain(deps, batchSize, anchor, true);
  if (!report.ok) report = await scanChain(deps, batchSize, anchor, false);
  return { ...report, elapsed_ms: Math.round(performance.now() - started) };
}

async function scanChain(
  deps: AuditDeps,
  batchSize: number,
  anchor: AuditCheckpoint | undefined,
  skipCoveredMacs: boolean,
): Promise<AuditVerifyReport> {
  // Checkpoints first: every one of them then refers to rows the scan below will reach.
  const checkpoints = await listCheckpoints(deps.db);
  const trust = { ...serverTrust(deps.keys), skipCoveredMacs };
  const v = new ChainVerifier(checkpoints, anchor ? { ...trust, anchor } : trust);
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
  return v.finish();
}
