import { z } from 'zod';
import { globalFields, leaf } from '../../args.js';
import { authedClient } from '../../context.js';
import { emit } from '../../output.js';
import { readTextFile } from '../../read-file.js';
import { policyNameOf } from './name.js';

export const policyApplyCommand = leaf({
  name: 'apply',
  description: 'Create or replace a policy from a .rego file (admin); compiled before it is stored',
  args: {
    file: { type: 'string', alias: 'f', description: 'the .rego file', required: true },
    name: {
      type: 'string',
      description: 'policy name (default: path under policies/ with / → ., else the file name)',
    },
    description: { type: 'string', description: 'what the policy is for' },
    disable: { type: 'boolean', description: 'store it disabled' },
  },
  schema: z
    .object({
      file: z.string().min(1),
      name: z.string().min(1).max(128).optional(),
      description: z.string().max(1024).optional(),
      disable: z.boolean().default(false),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    const rego = readTextFile(a.file, 512 * 1024);
    const name = a.name ?? policyNameOf(a.file);
    const p = await authedClient(a.server).applyPolicy({
      name,
      rego,
      description: a.description,
      enabled: !a.disable,
    });
    emit(a.output, p, () => `Policy ${p.name} (${p.package}) applied — revision ${p.revision}, id ${p.id}`);
  },
});
