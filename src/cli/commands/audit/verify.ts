import { z } from 'zod';
import { globalFields, leaf } from '../../args.js';
import { authedClient } from '../../context.js';
import { CliError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { emit, labelled } from '../../output.js';
import type { VerifyReport } from './verify-file.js';

export const auditVerifyCommand = leaf({
  name: 'verify',
  description: 'Verify the hash chain and signed checkpoints on the server (admin), or offline with --file',
  args: {
    file: { type: 'string', alias: 'f', description: 'verify an `audit export` file offline' },
    'public-key': {
      type: 'string',
      description: 'with --file: the server checkpoint key to trust (base64url)',
    },
  },
  schema: z
    .object({
      file: z.string().min(1).optional(),
      publicKey: z.string().min(40).max(64).optional(),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    const r: VerifyReport = a.file
      ? await (await import('./verify-file.js')).verifyFile(a.file, a.publicKey)
      : await authedClient(a.server).verifyAudit();
    emit(a.output, r, () =>
      labelled([
        ['Result', r.ok ? 'OK — chain intact' : 'BROKEN'],
        ['Rows checked', r.rows_checked],
        ['Head', r.head ? `#${r.head.id} ${r.head.hash}` : undefined],
        ['Unanchored rows', (r.checkpoints as { unanchored_rows?: number } | undefined)?.unanchored_rows],
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
