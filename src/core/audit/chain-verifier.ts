/**
 * Walks the audit chain in id order and finds the first broken row, naming what most plausibly
 * happened to it. Pure: the database verifier, the checkpointer and the offline export verifier all
 * feed it rows. With MAC keys it also checks the server MAC of every row no valid checkpoint covers,
 * and of covered ones too unless told to skip them (docs/adr/0035, "Verification cost").
 */
import { checkCheckpointChain } from './checkpoint-chain.js';
import type { AuditCheckpoint } from './checkpoint-sign.js';
import { classifyBreak } from './classify-break.js';
import { GENESIS_HASH, hashCopyLine } from './hash.js';
import { rowMac } from './row-mac.js';

export type BreakKind =
  | 'modified'
  | 'deleted'
  | 'inserted'
  | 'reordered'
  | 'truncated'
  | 'bad_checkpoint'
  /** Hash and link are right but the row has no valid server MAC: written without the server key. */
  | 'forged'
  /** A numbered checkpoint is gone (a gap, a broken link, or one the anchor holds). */
  | 'checkpoint_missing'
  /** The anchored checkpoint is not validly signed or differs from the stored one of its number. */
  | 'anchor_mismatch';

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
  /** Row MACs: whether they were checked (not offline without the key) and how many rows predate them. */
  macs: { checked: boolean; legacy_rows: number };
  /** The anchored checkpoint the chain was checked against, if one was given and it matched. */
  anchor: { seq: number; head_id: number } | null;
  first_broken: ChainBreak | null;
}

/** What a verifier trusts; none of it comes from the database. */
export interface VerifierTrust {
  /** base64url Ed25519 public keys whose checkpoints count: the current one and retired ones. */
  checkpointKeys: readonly string[];
  /** Key id → MAC prefix (row-mac.ts); absent: MACs are not checked (offline, without the key). */
  macKeys?: ReadonlyMap<string, string>;
  /** A checkpoint kept outside the database (`audit.anchor`). */
  anchor?: AuditCheckpoint;
  /** Verify from this row on (the checkpointer): it must link to this, the last checkpointed head. */
  start?: { id: number; hash: string };
  /** Rows without a MAC (pre-0003) are accepted up to this id; default: the highest checkpointed head. */
  legacyUpTo?: number;
  /** Skip the MAC of rows a valid checkpoint covers (ADR 0035); a break is then only pass/fail. */
  skipCoveredMacs?: boolean;
}

export interface Link {
  id: number;
  hash: string;
}

/** The parts of a row the link checks look at. */
export interface Row {
  id: number;
  prev_hash: string;
  hash: string;
  /** Whether the row's own fields still hash to its stored hash. */
  selfOk: boolean;
  /** Its MAC: valid, wrong (or unknown key), absent (pre-0003), or a trusted key's, not recomputed. */
  mac: 'ok' | 'bad' | 'none' | 'covered';
}

export class ChainVerifier {
  private prev1: Link | null = null;
  private prev2: Link | null = null;
  private held: Row | null = null;
  private checked = 0;
  private broken: ChainBreak | null = null;
  private readonly byHead = new Map<number, AuditCheckpoint>();
  private latest: AuditCheckpoint | null = null;
  /** Valid checkpoints plus the anchor: what a shorter chain is checked against. */
  private readonly covering: AuditCheckpoint[];
  private readonly anchor: AuditCheckpoint | null;
  private readonly maxSeq: number;
  private readonly macKeys: ReadonlyMap<string, string> | undefined;
  private readonly legacyUpTo: number;
  /** Rows up to this id have their MAC's key checked, the MAC not recomputed (0: none). */
  private readonly macSkipUpTo: number;
  private sawMac = false;
  private legacyRows = 0;

  /** `checkpoints` (listCheckpoints order) are checked against `trust` up front. */
  constructor(
    private readonly checkpoints: AuditCheckpoint[],
    trust: VerifierTrust,
  ) {
    const chain = checkCheckpointChain(checkpoints, trust.checkpointKeys, trust.anchor);
    this.broken = chain.broken;
    this.anchor = chain.anchor;
    this.maxSeq = chain.maxSeq;
    this.covering = chain.anchor ? [...chain.valid, chain.anchor] : chain.valid;
    for (const c of this.covering) this.byHead.set(c.head_id, c);
    this.macKeys = trust.macKeys;
    const coveredHead = Math.max(0, ...this.covering.map((c) => c.head_id));
    this.legacyUpTo = trust.legacyUpTo ?? coveredHead;
    this.macSkipUpTo = trust.skipCoveredMacs ? coveredHead : 0;
    if (trust.start) this.prev1 = { ...trust.start };
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
      // Fields are COPY-escaped, so the first tab and the last four delimit id, prev_hash, hash,
      // mac_key_id and mac.
      const tMac = copyText.lastIndexOf('\t', end);
      const tKey = copyText.lastIndexOf('\t', tMac - 1);
      const tHash = copyText.lastIndexOf('\t', tKey - 1);
      const tPrev = copyText.lastIndexOf('\t', tHash - 1);
      const hash = copyText.slice(tHash + 1, tKey);
      const selfOk = hashCopyLine(copyText.slice(start, tHash)) === hash;
      const id = Number(copyText.slice(start, copyText.indexOf('\t', start)));
      const r: Row = {
        id,
        prev_hash: copyText.slice(tPrev + 1, tHash),
        hash,
        selfOk,
        mac: end - tMac === 3 && copyText.charCodeAt(end - 1) === 78 ? 'none' : 'bad', // `\N`
      };
      if (selfOk && r.mac === 'bad' && this.macKeys) {
        const prefix = this.macKeys.get(copyText.slice(tKey + 1, tMac));
        if (prefix !== undefined)
          if (id <= this.macSkipUpTo) r.mac = 'covered';
          else if (rowMac(prefix, hash) === copyText.slice(tMac + 1, end)) r.mac = 'ok';
      }
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
      const beyond = this.covering.find((c) => c.head_id > lastId);
      if (beyond)
        this.broken = {
          id: lastId + 1,
          kind: 'truncated',
          message: `the log ends at row ${lastId} but ${beyond === this.anchor ? 'the anchored ' : ''}checkpoint ${beyond.seq === null ? `id ${beyond.id}` : `#${beyond.seq}`} signed ${beyond.row_count} rows (rows ${lastId + 1}..${beyond.head_id} are missing)`,
        };
    }
    if (!this.broken && this.anchor?.seq && this.anchor.seq > this.maxSeq)
      this.broken = {
        id: this.anchor.head_id,
        kind: 'checkpoint_missing',
        message: `checkpoints #${this.maxSeq + 1}..#${this.anchor.seq} are missing from the database: the anchor holds #${this.anchor.seq}`,
      };
    const latest = this.latest;
    return {
      ok: this.broken === null,
      rows_checked: this.checked,
      head: this.prev1 ? { ...this.prev1 } : null,
      checkpoints: {
        total: this.checkpoints.length,
        latest: latest ? (({ signature: _s, public_key: _p, ...signed }) => signed)(latest) : null,
        unanchored_rows: Math.max(0, lastId - (latest?.head_id ?? 0)),
      },
      macs: { checked: this.macKeys !== undefined, legacy_rows: this.legacyRows },
      anchor:
        this.anchor?.seq && !this.broken ? { seq: this.anchor.seq, head_id: this.anchor.head_id } : null,
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
      if (this.macKeys && !this.macOk(r)) return;
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
    this.broken = classifyBreak(r, n, this.prev1, this.prev2, { expectedId, expectedPrev, selfOk, linkOk });
  }

  /** MAC rule: a valid MAC, or none on a pre-0003 row that a checkpoint covers and no MAC'd row precedes. */
  private macOk(r: Row): boolean {
    if (r.mac === 'ok' || r.mac === 'covered') {
      this.sawMac = true;
      return true;
    }
    if (r.mac === 'none' && !this.sawMac && r.id <= this.legacyUpTo) {
      this.legacyRows++;
      return true;
    }
    this.broken = {
      id: r.id,
      kind: 'forged',
      message:
        r.mac === 'bad'
          ? `row ${r.id} was not written by the server: its MAC does not verify under any trusted key`
          : `row ${r.id} was not written by the server: it carries no MAC${this.sawMac ? ' after rows that do' : ' and no signed checkpoint covers it'}`,
    };
    return false;
  }
}
