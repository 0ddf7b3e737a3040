import { CliError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';

export interface VerifyReport {
  ok: boolean;
  rows_checked: number;
  head?: { id: number; hash: string } | null;
  checkpoints?: Record<string, unknown>;
  first_broken?: { id: number; kind: string; message: string } | null;
}

/** Offline verification of an `audit export` file (wired to core's verifier). */
export async function verifyFile(_path: string): Promise<VerifyReport> {
  throw new CliError('offline verification is not available in this build', EXIT.ERROR);
}
