import { z } from 'zod';
import { leaf } from '../args.js';
import { anonymousClient } from '../context.js';
import { saveCredentials } from '../credentials.js';
import { usageError } from '../errors.js';
import { emit, OutputFormat } from '../output.js';

export const loginCommand = leaf({
  name: 'login',
  description: 'Log in and save a token to ~/.jitsudo/credentials (dev identity mode: --dev --user --groups)',
  args: {
    dev: { type: 'boolean', description: 'ask a dev-mode server for a token (local development only)' },
    user: { type: 'string', description: 'email to log in as (with --dev)', valueHint: 'email' },
    groups: { type: 'string', description: 'comma-separated groups (with --dev)', valueHint: 'a,b' },
  },
  schema: z
    .object({
      dev: z.boolean().default(false),
      user: z.string().min(3).max(254).optional(),
      groups: z.string().max(4096).default(''),
      server: z.string().min(1).optional(),
      output: OutputFormat,
    })
    .strict(),
  async run(a) {
    if (!a.dev)
      throw usageError('only dev identity login exists so far: jitsudo login --dev --user you@example.com');
    if (!a.user) throw usageError('--dev needs --user <email>');
    const groups = a.groups
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    const client = anonymousClient(a.server);
    const minted = await client.issueDevToken({ email: a.user, groups });
    const path = saveCredentials({
      server_url: client.server,
      token: minted.token,
      expires_at: minted.expires_at,
      email: a.user.trim().toLowerCase(),
    });
    const shown = {
      email: a.user.trim().toLowerCase(),
      groups,
      server: client.server,
      expires_at: minted.expires_at,
      credentials_file: path,
    };
    emit(
      a.output,
      shown,
      () =>
        `Logged in as ${shown.email}${groups.length ? ` (groups: ${groups.join(', ')})` : ''}\nServer:     ${shown.server}\nExpires:    ${shown.expires_at}`,
    );
  },
});
