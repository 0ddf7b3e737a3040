/** `jitsudo review <id> --outcome justified|unjustified --comment …`: review break-glass access (ADR 0050). */
import { z } from 'zod';
import { globalFields, leaf } from '../args.js';
import { authedClient } from '../context.js';
import { emit } from '../output.js';

export const reviewCommand = leaf({
  name: 'review',
  description:
    'Review break-glass access after the fact (admins; needs a fresh `jitsudo login`); unjustified revokes an active grant',
  args: {
    id: { type: 'positional', description: 'request id', required: true },
    outcome: { type: 'string', description: 'justified or unjustified', required: true },
    comment: { type: 'string', description: 'why (required)', required: true },
  },
  schema: z
    .object({
      id: z.string().min(1).max(64),
      outcome: z.enum(['justified', 'unjustified']),
      comment: z.string().min(1, 'must not be empty').max(4096),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    const r = await authedClient(a.server).reviewBreakGlass(a.id, { outcome: a.outcome, comment: a.comment });
    emit(
      a.output,
      r,
      () =>
        `Request ${r.request.id} reviewed: ${r.outcome}${r.revoked ? ' — its grant is being revoked' : ''} (${r.request.state})`,
    );
  },
});
