import { z } from 'zod';
import { REQUEST_STATES } from '../../core/requests/states.js';
import { globalFields, leaf } from '../args.js';
import { authedClient } from '../context.js';
import { usageError } from '../errors.js';
import { emit, note } from '../output.js';
import { requestDetail, requestRows } from '../render.js';

const State = z.enum(REQUEST_STATES);

export const statusCommand = leaf({
  name: 'status',
  description: 'Show one request, or list requests (yours; everyone’s for admins), newest first',
  args: {
    id: { type: 'positional', description: 'request id', required: false },
    pending: { type: 'boolean', description: 'only requests waiting for a decision' },
    mine: { type: 'boolean', description: 'only your own requests' },
    state: { type: 'string', description: 'only requests in this state (PENDING, ACTIVE, …)' },
    limit: { type: 'string', description: 'page size (1–1000, default 50)' },
    'page-token': { type: 'string', description: 'continue a previous listing' },
  },
  schema: z
    .object({
      id: z.string().min(1).max(64).optional(),
      pending: z.boolean().default(false),
      mine: z.boolean().default(false),
      state: z
        .string()
        .transform((s) => s.toUpperCase())
        .pipe(State)
        .optional(),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
      pageToken: z.string().max(512).optional(),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    const client = authedClient(a.server);
    if (a.id) {
      if (a.pending || a.mine || a.state || a.limit || a.pageToken)
        throw usageError('filters apply to listings; give either a request id or filters');
      const r = await client.getRequest(a.id);
      emit(a.output, r, () => requestDetail(r));
      return;
    }
    const plain = !a.pending && !a.mine && !a.state && !a.pageToken;
    // A plain `status` also asks what waits for the caller's decision: an approver's own list is
    // often empty while requests wait for them (issue 12).
    const [page, waiting] = await Promise.all([
      client.listRequests({
        pending: a.pending || undefined,
        mine: a.mine || undefined,
        state: a.state,
        page_size: a.limit,
        page_token: a.pageToken,
      }),
      plain ? client.listRequests({ pending: true, page_size: a.limit }) : undefined,
    ]);
    const toDecide = waiting?.requests ?? [];
    if (a.output !== 'table' || toDecide.length === 0) emit(a.output, page, () => requestRows(page.requests));
    else
      emit(a.output, page, () =>
        [
          `Waiting for your decision (${toDecide.length}${waiting?.next_page_token ? '+' : ''}): jitsudo approve <id> / jitsudo deny <id> --reason "…"`,
          requestRows(toDecide),
          '',
          'Your requests (admins: everyone’s):',
          requestRows(page.requests),
        ].join('\n'),
      );
    if (toDecide.length && a.output !== 'table')
      note(`${toDecide.length} request(s) wait for your decision: jitsudo status --pending`);
    if (page.next_page_token && a.output === 'table')
      note(`More: jitsudo status --page-token ${page.next_page_token}`);
  },
});
