import { z } from 'zod';
import { globalFields, leaf } from '../../args.js';
import { authedClient } from '../../context.js';
import { CliError, usageError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { emit, labelled } from '../../output.js';
import type { VerifyReport } from './verify-file.js';

/** The newest checkpoint of an anchor file, or a usage error (exit 2) when there is none. */
async function readAnchor(path: string): Promise<Record<string, unknown>> {
  const { readAnchorTip } = await import('../../../core/audit/anchor.js');
  let tip: Awaited<ReturnType<typeof readAnchorTip>>;
  try {
    tip = await readAnchorTip(path);
  } catch (e) {
    throw usageError((e as Error).message);
  }
  if (!tip) throw usageError(`anchor file ${path} is missing or holds no checkpoint`);
  return tip as unknown as Record<string, unknown>;
}

export const auditVerifyCommand = leaf({
  name: 'verify',
  description: 'Verify the hash chain and signed checkpoints on the server (admin), or offline with --file',
  args: {
    file: { type: 'string', alias: 'f', description: 'verify an `audit export` file offline' },
    'public-key': {
      type: 'string',
      description: 'with --file: the server checkpoint key to trust (base64url)',
    },
    anchor: {
      type: 'string',
      description:
        'the audit.anchor file: the chain must still hold its newest checkpoint (detects a truncated tail)',
    },
  },
  schema: z
    .object({
      file: z.string().min(1).optional(),
      publicKey: z.string().min(40).max(64).optional(),
      anchor: z.string().min(1).optional(),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    const anchor = a.anchor ? await readAnchor(a.anchor) : undefined;
    const r: VerifyReport = a.file
      ? await (await import('./verify-file.js')).verifyFile(a.file, a.publicKey, anchor)
      : await authedClient(a.server).verifyAudit(anchor ? { anchor } : undefined);
    emit(a.output, r, () =>
      labelled([
        ['Result', r.ok ? 'OK — chain intact' : 'BROKEN'],
        ['Rows checked', r.rows_checked],
        ['Head', r.head ? `#${r.head.id} ${r.head.hash}` : undefined],
        ['Unanchored rows', (r.checkpoints as { unanchored_rows?: number } | undefined)?.unanchored_rows],
        ['Anchor', r.anchor ? `checkpoint #${r.anchor.seq} (row ${r.anchor.head_id}) matches` : undefined],
        [
          'First broken',
          r.first_broken
            ? `#${r.first_broken.id} ${r.first_broken.kind}: ${r.first_broken.message}`
            : undefined,
        ],
      ]),
    );
    if (!r.ok) throw new CliError('audit chain verification failed', EXIT.AUDIT_BROKEN);
  },
});
