/**
 * Walks the audit chain in id order and finds the first broken row, naming what most plausibly
 * happened to it. Pure: the database verifier and the offline export verifier both feed it rows.
 */
import { type AuditCheckpoint, checkpointSignatureValid } from './checkpoint-sign.js';
import { GENESIS_HASH, hashCopyLine } from './hash.js';

export type BreakKind = 'modified' | 'deleted' | 'inserted' | 'reordered' | 'truncated' | 'bad_checkpoint';

export interface ChainBreak {
  /** The first row that does not verify (for `truncated`: the first missing id). */
  id: number;
  kind: BreakKind;
  message: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  rows_checked: number;
  head: { id: number; hash: string } | null;
  checkpoints: {
    total: number;
    /** The newest checkpoint whose signature verified and whose head matched the chain. */
    latest: Omit<AuditCheckpoint, 'signature' | 'public_key'> | null;
    /** Rows after the newest checkpoint: deleting them from the tail would go unnoticed. */
    unanchored_rows: number;
  };
  first_broken: ChainBreak | null;
}

interface Link {
  id: number;
  hash: string;
}

/** The parts of a row the link checks look at. */
interface Row {
  id: number;
  prev_hash: string;
  hash: string;
  /** Whether the row's own fields still hash to its stored hash. */
  selfOk: boolean;
}

export class ChainVerifier {
  private prev1: Link | null = null;
  private prev2: Link | null = null;
  private held: Row | null = null;
  private checked = 0;
  private broken: ChainBreak | null = null;
  private readonly byHead = new Map<number, AuditCheckpoint>();
  private latest: AuditCheckpoint | null = null;

  /** `checkpoints` are checked against `trustedKey` (base64url Ed25519) up front. */
  constructor(
    private readonly checkpoints: AuditCheckpoint[],
    trustedKey: string,
  ) {
    for (const c of checkpoints) {
      if (this.broken) break;
      if (!checkpointSignatureValid(c, trustedKey) || c.row_count !== c.head_id)
        this.broken = {
          id: c.head_id,
          kind: 'bad_checkpoint',
          message:
            `checkpoint #${c.id} is not validly signed by the trusted key ${c.key_id === '' ? '' : `(key_id ${c.key_id})`}`.trim(),
        };
      else this.byHead.set(c.head_id, c);
    }
  }

  get done(): boolean {
    return this.broken !== null;
  }

  /**
   * Feeds the next rows as COPY text (`\n`-terminated lines, tab-separated fields in schema order,
   * the hash last), ascending id; returns false once a break was found (stop feeding).
   */
  push(copyText: string): boolean {
    let start = 0;
    while (!this.broken) {
      const end = copyText.indexOf('\n', start);
      if (end < 0) break;
      // Fields are COPY-escaped, so the first and last two tabs delimit id, prev_hash and hash.
      const last = copyText.lastIndexOf('\t', end);
      const beforeLast = copyText.lastIndexOf('\t', last - 1);
      const r: Row = {
        id: Number(copyText.slice(start, copyText.indexOf('\t', start))),
        prev_hash: copyText.slice(beforeLast + 1, last),
        hash: copyText.slice(last + 1, end),
        selfOk: hashCopyLine(copyText.slice(start, last)) === copyText.slice(last + 1, end),
      };
      if (this.held) this.check(this.held, r);
      this.held = r;
      start = end + 1;
    }
    return !this.broken;
  }

  /** Ends the stream and returns the report (also checks truncation against checkpoints). */
  finish(): AuditVerifyReport {
    if (this.held && !this.broken) this.check(this.held, undefined);
    this.held = null;
    const lastId = this.prev1?.id ?? 0;
    if (!this.broken) {
      const beyond = this.checkpoints.find((c) => c.head_id > lastId);
      if (beyond)
        this.broken = {
          id: lastId + 1,
          kind: 'truncated',
          message: `the log ends at row ${lastId} but checkpoint #${beyond.id} signed ${beyond.row_count} rows (rows ${lastId + 1}..${beyond.head_id} are missing)`,
        };
    }
    const latest = this.latest;
    return {
      ok: this.broken === null,
      rows_checked: this.checked,
      head: this.prev1 ? { ...this.prev1 } : null,
      checkpoints: {
        total: this.checkpoints.length,
        latest: latest
          ? {
              id: latest.id,
              row_count: latest.row_count,
              head_id: latest.head_id,
              head_hash: latest.head_hash,
              signed_at: latest.signed_at,
              key_id: latest.key_id,
            }
          : null,
        unanchored_rows: lastId - (latest?.head_id ?? 0),
      },
      first_broken: this.broken,
    };
  }

  private check(r: Row, n: Row | undefined): void {
    const expectedId = (this.prev1?.id ?? 0) + 1;
    const expectedPrev = this.prev1?.hash ?? GENESIS_HASH;
    const selfOk = r.selfOk;
    const linkOk = r.prev_hash === expectedPrev;
    const idOk = r.id === expectedId;
    if (selfOk && linkOk && idOk) {
      const cp = this.byHead.get(r.id);
      if (cp && cp.head_hash !== r.hash) {
        this.broken = {
          id: r.id,
          kind: 'modified',
          message: `row ${r.id} differs from signed checkpoint #${cp.id}: the chain was rewritten from here or earlier`,
        };
        return;
      }
      if (cp) this.latest = cp;
      this.prev2 = this.prev1;
      this.prev1 = { id: r.id, hash: r.hash };
      this.checked++;
      return;
    }
    this.broken = this.classify(r, n, { expectedId, expectedPrev, selfOk, linkOk });
  }

  private classify(
    r: Row,
    n: Row | undefined,
    x: { expectedId: number; expectedPrev: string; selfOk: boolean; linkOk: boolean },
  ): ChainBreak {
    if (!x.linkOk && this.prev2 && this.prev1 && r.prev_hash === this.prev2.hash)
      return {
        id: this.prev1.id,
        kind: 'inserted',
        message: `row ${this.prev1.id} was inserted: row ${r.id} links to row ${this.prev2.id} before it`,
      };
    if (!x.linkOk && n && n.prev_hash === x.expectedPrev && r.prev_hash === n.hash)
      return {
        id: r.id,
        kind: 'reordered',
        message: `rows ${r.id} and ${n.id} are out of order (each links to the other's position)`,
      };
    if (n && n.prev_hash === x.expectedPrev)
      return {
        id: r.id,
        kind: 'inserted',
        message: `row ${r.id} was inserted: row ${n.id} links to the row before it`,
      };
    if (x.selfOk && !x.linkOk && r.id > x.expectedId)
      return {
        id: x.expectedId,
        kind: 'deleted',
        message:
          r.id - 1 === x.expectedId
            ? `row ${x.expectedId} was deleted (row ${r.id} links to a row that is gone)`
            : `rows ${x.expectedId}..${r.id - 1} were deleted (row ${r.id} links to a row that is gone)`,
      };
    if (r.id !== x.expectedId)
      return {
        id: r.id,
        kind: 'inserted',
        message: `row ${r.id} does not belong to the chain (expected row ${x.expectedId})`,
      };
    return {
      id: r.id,
      kind: 'modified',
      message: !x.selfOk
        ? `row ${r.id} was modified: its content no longer matches its hash`
        : `row ${r.id} does not link to row ${r.id - 1}: one of them was rewritten`,
    };
  }
}
