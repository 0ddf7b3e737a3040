import { z } from 'zod';
import { leaf } from '../args.js';
import { authedClient, sessionInfo } from '../context.js';
import { emit, labelled, OutputFormat } from '../output.js';

export const whoamiCommand = leaf({
  name: 'whoami',
  description: 'Show who the server thinks you are, and how you are logged in',
  args: {},
  schema: z.object({ server: z.string().min(1).optional(), output: OutputFormat }).strict(),
  async run(a) {
    const client = authedClient(a.server);
    const me = await client.whoami();
    // Read after the call: an OIDC session may just have been refreshed.
    const s = sessionInfo();
    const session: { login: string; expires_at?: string; issuer?: string } =
      s.source === 'env'
        ? { login: 'JITSUDO_TOKEN' }
        : { login: s.kind, expires_at: s.expires_at, ...(s.issuer ? { issuer: s.issuer } : {}) };
    emit(a.output, { ...me, server: client.server, ...session }, () =>
      labelled([
        ['Identity', me.identity],
        ['Kind', me.kind],
        ['Groups', me.groups.join(', ') || '(none)'],
        ['Admin', me.is_admin ? 'yes' : 'no'],
        ['Server', client.server],
        ['Login', session.login],
        ['Issuer', session.issuer],
        ['Expires', session.expires_at],
      ]),
    );
  },
});
