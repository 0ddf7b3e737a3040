import { CliError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';

/** Offline verification of an `audit export` file (wired to core's verifier). */
export async function verifyFile(
  _path: string,
): Promise<{ ok: boolean; rows: number; first_broken?: unknown }> {
  throw new CliError('offline verification is not available in this build', EXIT.ERROR);
}
