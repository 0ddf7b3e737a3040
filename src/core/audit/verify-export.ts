/**
 * Offline verification of an `exportAudit` file: needs no server and no database (the CLI's
 * `jitsudo audit verify --file`). Trusts the public key given by the caller, else the file's own.
 */
import { AppError } from '../errors.js';
import { type AuditVerifyReport, ChainVerifier, type VerifierTrust } from './chain-verifier.js';
import type { AuditCheckpoint } from './checkpoint-sign.js';
import { AUDIT_HASH_VERSION, type AuditRecord, auditCopyLine, canonicalJson, copyField } from './hash.js';

export interface ExportVerifyReport extends AuditVerifyReport {
  /** Which key the checkpoints were checked against. */
  trusted_key: { public_key: string; source: 'argument' | 'export-header' };
}

/** Offline there is no MAC key: rows are checked by hash and checkpoints only (ADR 0035). */
function trustOf(publicKey: string, anchor: AuditCheckpoint | undefined): VerifierTrust {
  return anchor ? { checkpointKeys: [publicKey], anchor } : { checkpointKeys: [publicKey] };
}

function bad(line: number, why: string): AppError {
  return new AppError('VALIDATION', `audit export line ${line}: ${why}`);
}

/** Verifies JSON Lines from `exportAudit`; malformed files throw VALIDATION naming the line. */
export async function verifyAuditExport(
  lines: Iterable<string> | AsyncIterable<string>,
  opts: { publicKey?: string; anchor?: AuditCheckpoint } = {},
): Promise<ExportVerifyReport> {
  let n = 0;
  let verifier: ChainVerifier | undefined;
  let trusted: ExportVerifyReport['trusted_key'] | undefined;
  const checkpoints: AuditCheckpoint[] = [];
  let batch: string[] = [];
  for await (const raw of lines) {
    n++;
    const line = raw.trim();
    if (line === '') continue;
    let obj: any;
    try {
      obj = JSON.parse(line);
    } catch {
      throw bad(n, 'not JSON');
    }
    if (n === 1) {
      if (obj?.type !== 'header' || obj.hash_version !== AUDIT_HASH_VERSION)
        throw bad(n, `expected a header with hash_version ${AUDIT_HASH_VERSION}`);
      trusted = opts.publicKey
        ? { public_key: opts.publicKey, source: 'argument' }
        : { public_key: String(obj.public_key ?? ''), source: 'export-header' };
      continue;
    }
    if (obj?.type === 'checkpoint') {
      if (verifier) throw bad(n, 'checkpoints must come before events');
      checkpoints.push(obj as AuditCheckpoint);
      continue;
    }
    if (obj?.type !== 'event') throw bad(n, 'unknown line type');
    if (!trusted) throw bad(n, 'missing header');
    verifier ??= new ChainVerifier(checkpoints, trustOf(trusted.public_key, opts.anchor));
    if (typeof obj.id !== 'number' || typeof obj.hash !== 'string' || typeof obj.details !== 'object')
      throw bad(n, 'malformed event');
    const rec = obj as AuditRecord;
    batch.push(
      `${auditCopyLine({ ...rec, details: canonicalJson(rec.details) })}\t${copyField(String(rec.hash))}\t\\N\t\\N\n`,
    );
    if (batch.length >= 5000) {
      verifier.push(batch.join(''));
      batch = [];
    }
  }
  if (!trusted) throw new AppError('VALIDATION', 'audit export is empty');
  verifier ??= new ChainVerifier(checkpoints, trustOf(trusted.public_key, opts.anchor));
  verifier.push(batch.join(''));
  return { ...verifier.finish(), trusted_key: trusted };
}
