import type { Actor } from '../actor.js';
import { insertCheckpointOnce, latestCheckpoint, readAuditHead, scanAuditCopy } from '../db/audit-repo.js';
import { AppError } from '../errors.js';
import { type AuditDeps, assertAuditor } from './access.js';
import { type ChainBreak, ChainVerifier } from './chain-verifier.js';
import {
  type AuditCheckpoint,
  checkpointDigest,
  checkpointSignatureValid,
  FIRST_CHECKPOINT_PREV,
  signCheckpoint,
} from './checkpoint-sign.js';
import { serverTrust } from './verify.js';

/** The newest checkpoint a process signed or accepted: the database must never fall behind it. */
export interface CheckpointMemory {
  seq: number;
  digest: string;
}

export type SealResult =
  | { status: 'signed'; checkpoint: AuditCheckpoint }
  /** Empty log, head not moved, or another replica signed this number first. */
  | { status: 'unchanged' }
  | { status: 'refused'; broken: ChainBreak };

const refused = (broken: ChainBreak): SealResult => ({ status: 'refused', broken });
const BATCH = 10_000;

/**
 * Signs the next numbered checkpoint — but only over rows it verified first (docs/adr/0035): the last
 * checkpoint is validly signed and not older than `memory`, every row since it hashes, links and
 * carries a valid server MAC (rows without one only before the first numbered checkpoint: the rows
 * written before migration 0003). Anything else is refused, never signed. System use, no actor.
 */
export async function sealAudit(
  deps: AuditDeps,
  opts: { now?: Date; memory?: CheckpointMemory | null } = {},
): Promise<SealResult> {
  const trust = serverTrust(deps.keys);
  const last = await latestCheckpoint(deps.db);
  if (last && (!checkpointSignatureValid(last, trust.checkpointKeys) || last.row_count !== last.head_id))
    return refused({
      id: last.head_id,
      kind: 'bad_checkpoint',
      message: `the newest checkpoint (id ${last.id}) is not validly signed by a trusted key`,
    });
  const mem = opts.memory;
  if (
    mem &&
    (!last?.seq || last.seq < mem.seq || (last.seq === mem.seq && checkpointDigest(last) !== mem.digest))
  )
    return refused({
      id: last?.head_id ?? 0,
      kind: 'checkpoint_missing',
      message: `checkpoint #${mem.seq}, signed or seen by this server, is no longer the database's (deleted or replaced)`,
    });
  const head = await readAuditHead(deps.db);
  if (!head && !last) return { status: 'unchanged' };
  if (last && (!head || head.id <= last.head_id)) {
    const lastId = head?.id ?? 0;
    if (lastId < last.head_id)
      return refused({
        id: lastId + 1,
        kind: 'truncated',
        message: `the log ends at row ${lastId} but checkpoint ${last.seq ? `#${last.seq}` : `id ${last.id}`} signed ${last.head_id} rows`,
      });
    if (head!.hash !== last.head_hash)
      return refused({
        id: head!.id,
        kind: 'modified',
        message: `row ${head!.id} differs from the checkpoint that signed it`,
      });
    return { status: 'unchanged' };
  }
  const v = new ChainVerifier([], {
    ...trust,
    ...(last ? { start: { id: last.head_id, hash: last.head_hash } } : {}),
    // Before the first numbered checkpoint, rows without a MAC are the pre-0003 log being sealed.
    legacyUpTo: last?.seq ? last.head_id : Number.POSITIVE_INFINITY,
  });
  for (let after = last?.head_id ?? 0; !v.done; ) {
    const batch = await scanAuditCopy(deps.db, after, BATCH);
    v.push(batch.text);
    if (batch.rows < BATCH) break;
    after = batch.lastId;
  }
  const report = v.finish();
  if (!report.ok) return refused(report.first_broken!);
  if (!report.head) return { status: 'unchanged' };
  const signed = signCheckpoint(deps.keys.signingKey, deps.keys.signingPublicKey, {
    seq: (last?.seq ?? 0) + 1,
    prev_digest: last ? checkpointDigest(last) : FIRST_CHECKPOINT_PREV,
    row_count: report.head.id,
    head_id: report.head.id,
    head_hash: report.head.hash,
    signed_at: (opts.now ?? new Date()).toISOString(),
  });
  const stored = await insertCheckpointOnce(deps.db, signed);
  return stored ? { status: 'signed', checkpoint: stored } : { status: 'unchanged' };
}

/**
 * sealAudit for callers that want the checkpoint: null when there was nothing new to sign; throws
 * CONFLICT naming the first broken row when the chain does not verify (nothing is signed then).
 */
export async function createCheckpoint(
  deps: AuditDeps,
  now: Date = new Date(),
): Promise<AuditCheckpoint | null> {
  const r = await sealAudit(deps, { now });
  if (r.status === 'refused')
    throw new AppError(
      'CONFLICT',
      `audit chain does not verify (${r.broken.kind} at row ${r.broken.id}): no checkpoint signed`,
      { details: { first_broken: r.broken } },
    );
  return r.status === 'signed' ? r.checkpoint : null;
}

/** The checkpoint verb for surfaces: admins/auditors only; same invariant as createCheckpoint. */
export async function checkpointAudit(deps: AuditDeps, actor: Actor): Promise<AuditCheckpoint | null> {
  assertAuditor(actor, 'create audit checkpoints');
  return createCheckpoint(deps);
}
