import { z } from 'zod';
import { leaf } from '../args.js';
import { authedClient } from '../context.js';
import { emit, labelled, OutputFormat } from '../output.js';

export const whoamiCommand = leaf({
  name: 'whoami',
  description: 'Show who the server thinks you are',
  args: {},
  schema: z.object({ server: z.string().min(1).optional(), output: OutputFormat }).strict(),
  async run(a) {
    const client = authedClient(a.server);
    const me = await client.whoami();
    emit(a.output, { ...me, server: client.server }, () =>
      labelled([
        ['Identity', me.identity],
        ['Kind', me.kind],
        ['Groups', me.groups.join(', ') || '(none)'],
        ['Admin', me.is_admin ? 'yes' : 'no'],
        ['Server', client.server],
      ]),
    );
  },
});
