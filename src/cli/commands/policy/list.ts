import { z } from 'zod';
import type { Policy } from '../../../client/types.js';
import { globalFields, leaf } from '../../args.js';
import { authedClient } from '../../context.js';
import { columns, emit, labelled } from '../../output.js';

export const policyListCommand = leaf({
  name: 'list',
  description: 'List stored policies',
  args: {},
  schema: z.object({ ...globalFields }).strict(),
  async run(a) {
    const page = await authedClient(a.server).listPolicies();
    emit(a.output, page, () =>
      columns(
        ['NAME', 'PACKAGE', 'ENABLED', 'REVISION', 'UPDATED', 'BY'],
        page.policies.map((p) => [
          p.name,
          p.package,
          p.enabled ? 'yes' : 'no',
          String(p.revision),
          p.updated_at,
          p.updated_by,
        ]),
        'No policies found.',
      ),
    );
  },
});

export const policyDetail = (p: Policy) =>
  `${labelled([
    ['Name', p.name],
    ['ID', p.id],
    ['Package', p.package],
    ['Enabled', p.enabled ? 'yes' : 'no'],
    ['Revision', p.revision],
    ['SHA-256', p.sha256],
    ['Description', p.description],
    ['Updated', p.updated_at],
    ['Updated by', p.updated_by],
  ])}${p.rego ? `\n--- Rego ---\n${p.rego}` : ''}`;

export const policyGetCommand = leaf({
  name: 'get',
  description: 'Show a policy with its Rego source',
  args: { id: { type: 'positional', description: 'policy name (or id)', required: true } },
  schema: z.object({ id: z.string().min(1).max(128), ...globalFields }).strict(),
  async run(a) {
    const p = await authedClient(a.server).getPolicy(a.id);
    emit(a.output, p, () => policyDetail(p));
  },
});

export const policyDeleteCommand = leaf({
  name: 'delete',
  description: 'Delete a policy (admin)',
  args: { id: { type: 'positional', description: 'policy name (or id)', required: true } },
  schema: z.object({ id: z.string().min(1).max(128), ...globalFields }).strict(),
  async run(a) {
    const r = await authedClient(a.server).deletePolicy(a.id);
    emit(a.output, r, () => `Policy ${r.name} deleted (last revision ${r.revision}).`);
  },
});
