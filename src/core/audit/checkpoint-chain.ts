/**
 * Checks the checkpoints themselves before any row is read (docs/adr/0035): every one signed by a
 * trusted key, the numbered ones 1, 2, 3… with no gap, each linked to its predecessor's digest, and
 * an anchored copy (kept outside the database) identical to the stored checkpoint of its number.
 */
import type { ChainBreak } from './chain-verifier.js';
import {
  type AuditCheckpoint,
  checkpointDigest,
  checkpointSignatureValid,
  FIRST_CHECKPOINT_PREV,
} from './checkpoint-sign.js';

export interface CheckpointChain {
  /** The stored checkpoints, all valid (empty when `broken`). */
  valid: AuditCheckpoint[];
  /** The anchored checkpoint when it is valid and agrees with the stored one of its number. */
  anchor: AuditCheckpoint | null;
  /** Highest stored seq (0 when none is numbered). */
  maxSeq: number;
  broken: ChainBreak | null;
}

const bad = (c: AuditCheckpoint, kind: ChainBreak['kind'], message: string): CheckpointChain['broken'] => ({
  id: c.head_id,
  kind,
  message,
});

/** `checkpoints` as listCheckpoints returns them (v1 by id, then numbered by seq). */
export function checkCheckpointChain(
  checkpoints: readonly AuditCheckpoint[],
  trusted: readonly string[],
  anchor?: AuditCheckpoint,
): CheckpointChain {
  const out: CheckpointChain = { valid: [], anchor: null, maxSeq: 0, broken: null };
  let prevDigest = FIRST_CHECKPOINT_PREV;
  let prevHead = 0;
  const bySeq = new Map<number, AuditCheckpoint>();
  for (const c of checkpoints) {
    if (!checkpointSignatureValid(c, trusted) || c.row_count !== c.head_id) {
      const key = c.key_id === '' ? '' : ` (key_id ${c.key_id})`;
      out.broken = bad(
        c,
        'bad_checkpoint',
        `checkpoint id ${c.id} is not validly signed by a trusted key${key}`,
      );
      break;
    }
    if (c.seq !== null) {
      if (c.seq !== out.maxSeq + 1) {
        out.broken = bad(
          c,
          'checkpoint_missing',
          c.seq > out.maxSeq + 1
            ? `checkpoint #${out.maxSeq + 1}${c.seq - 1 > out.maxSeq + 1 ? `..#${c.seq - 1}` : ''} is missing (deleted): #${c.seq} follows #${out.maxSeq}`
            : `checkpoint #${c.seq} appears twice`,
        );
        break;
      }
      if (c.prev_digest !== prevDigest || c.head_id < prevHead) {
        out.broken = bad(
          c,
          'checkpoint_missing',
          `checkpoint #${c.seq} does not follow the checkpoint before it: one was deleted or replaced`,
        );
        break;
      }
      out.maxSeq = c.seq;
      bySeq.set(c.seq, c);
    }
    prevDigest = checkpointDigest(c);
    prevHead = c.head_id;
    out.valid.push(c);
  }
  if (out.broken) {
    out.valid = [];
    return out;
  }
  if (anchor) {
    const stored = anchor.seq === null ? undefined : bySeq.get(anchor.seq);
    if (anchor.seq === null || !checkpointSignatureValid(anchor, trusted))
      out.broken = bad(
        anchor,
        'anchor_mismatch',
        'the anchored checkpoint is not validly signed by a trusted key',
      );
    else if (stored && checkpointDigest(stored) !== checkpointDigest(anchor))
      out.broken = bad(
        anchor,
        'anchor_mismatch',
        `stored checkpoint #${anchor.seq} differs from its anchored copy: it was replaced`,
      );
    else out.anchor = anchor;
  }
  return out;
}
