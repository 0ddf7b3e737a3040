/** Offline verification of an `audit export` file: no server, no database. */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AuditCheckpoint } from '../../../core/audit/checkpoint-sign.js';
import { usageError } from '../../errors.js';
import { note } from '../../output.js';

export interface VerifyReport {
  ok: boolean;
  rows_checked: number;
  head?: { id: number; hash: string } | null;
  checkpoints?: Record<string, unknown>;
  first_broken?: { id: number; kind: string; message: string } | null;
  trusted_key?: { public_key: string; source: string };
  anchor?: { seq: number; head_id: number } | null;
}

/** Streams the file through core's export verifier; `publicKey` pins the checkpoint key. */
export async function verifyFile(
  path: string,
  publicKey?: string,
  anchor?: Record<string, unknown>,
): Promise<VerifyReport> {
  try {
    if (!statSync(path).isFile()) throw usageError(`${path} is not a file`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw usageError(`no such file: ${path}`);
    throw e;
  }
  const { verifyAuditExport } = await import('../../../core/audit/verify-export.js');
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const report = await verifyAuditExport(lines, {
    ...(publicKey ? { publicKey } : {}),
    ...(anchor ? { anchor: anchor as unknown as AuditCheckpoint } : {}),
  });
  if (report.trusted_key.source === 'export-header')
    note(
      'jitsudo: checkpoints were checked against the key inside the file; pass --public-key (from the server) to rule out a re-signed file',
    );
  return report;
}
