import { z } from 'zod';
import { globalFields, leaf } from '../../args.js';
import { authedClient } from '../../context.js';
import { usageError } from '../../errors.js';
import { emit, labelled } from '../../output.js';
import { readTextFile } from '../../read-file.js';
import { policyNameOf } from './name.js';

export const policyEvalCommand = leaf({
  name: 'eval',
  description: 'Dry-run a decision: allow, reason and approver_tier for an input document',
  args: {
    input: { type: 'string', description: 'input JSON, or @file / a path to a .json file', required: true },
    type: { type: 'string', description: 'eligibility (default) or approval' },
    file: {
      type: 'string',
      alias: 'f',
      description: 'an unsaved .rego file to evaluate with the stored set',
    },
  },
  schema: z
    .object({
      input: z.string().min(1),
      type: z.enum(['eligibility', 'approval']).default('eligibility'),
      file: z.string().min(1).optional(),
      only: z.boolean().default(false),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    const input = parseInput(a.input);
    if (a.only && !a.file) throw usageError('--only needs --file');
    const candidate = a.file
      ? { name: policyNameOf(a.file), rego: readTextFile(a.file, 512 * 1024) }
      : undefined;
    const r = await authedClient(a.server).evalPolicy({
      type: a.type,
      input,
      candidate,
      mode: candidate ? (a.only ? 'instead' : 'with') : undefined,
    });
    emit(a.output, r, () =>
      labelled([
        ['allow', String(r.allow)],
        ['reason', r.reason],
        ['approver_tier', r.approver_tier ?? undefined],
        ['decided_by', r.decided_by.length ? r.decided_by.join(', ') : undefined],
        ['defined', r.defined ? undefined : 'no rule decided (default deny)'],
      ]),
    );
  },
});

function parseInput(arg: string): Record<string, unknown> {
  const text = arg.trimStart().startsWith('{') ? arg : readTextFile(arg.replace(/^@/, ''), 1024 * 1024);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw usageError('invalid --input: not valid JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw usageError('invalid --input: must be a JSON object');
  return v as Record<string, unknown>;
}
