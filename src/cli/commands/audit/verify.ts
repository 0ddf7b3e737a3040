import { z } from 'zod';
import { globalFields, leaf } from '../../args.js';
import { authedClient } from '../../context.js';
import { CliError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { emit, labelled } from '../../output.js';

export const auditVerifyCommand = leaf({
  name: 'verify',
  description: 'Verify the hash chain and signed checkpoints on the server (admin), or offline with --file',
  args: { file: { type: 'string', alias: 'f', description: 'verify an `audit export` file offline' } },
  schema: z.object({ file: z.string().min(1).optional(), ...globalFields }).strict(),
  async run(a) {
    const r: { ok: boolean; rows: number; first_broken?: unknown; [k: string]: unknown } = a.file
      ? await (await import('./verify-file.js')).verifyFile(a.file)
      : await authedClient(a.server).verifyAudit();
    emit(a.output, r, () =>
      labelled([
        ['Result', r.ok ? 'OK — chain intact' : 'BROKEN'],
        ['Rows', r.rows],
        ['First broken', r.first_broken ?? undefined],
      ]),
    );
    if (!r.ok) throw new CliError('audit chain verification failed', EXIT.AUDIT_BROKEN);
  },
});
