import { z } from 'zod';
import { createClient } from '../../client/client.js';
import { ApiError } from '../../client/errors.js';
import { leaf } from '../args.js';
import { anonymousClient, clientTls, resolveServer } from '../context.js';
import { saveCredentials } from '../credentials.js';
import { CliError, usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { browserFlow } from '../oidc/browser-flow.js';
import { deviceFlow } from '../oidc/device-flow.js';
import { DEFAULT_SCOPE, discoverIdp, expiresAt } from '../oidc/idp.js';
import { fetchAuthConfig } from '../oidc/server-config.js';
import { emit, note, OutputFormat } from '../output.js';

export const loginCommand = leaf({
  name: 'login',
  description:
    'Sign in at the identity provider jitsudod names (device code by default; --flow browser for a loopback redirect) and save the tokens to ~/.jitsudo/credentials; --dev --user for a dev server',
  args: {
    flow: {
      type: 'string',
      description: 'device (default: a code to enter on any device) or browser (authorization code + PKCE)',
      valueHint: 'device|browser',
    },
    issuer: {
      type: 'string',
      description: "the IdP's issuer URL (default: what jitsudod names)",
      valueHint: 'url',
    },
    'client-id': {
      type: 'string',
      description: 'public client id (default: what jitsudod names)',
      valueHint: 'id',
    },
    scope: {
      type: 'string',
      description: `scopes to ask for (default: "${DEFAULT_SCOPE}")`,
      valueHint: 'scopes',
    },
    dev: { type: 'boolean', description: 'ask a dev-mode server for a token (local development only)' },
    user: { type: 'string', description: 'email to log in as (with --dev)', valueHint: 'email' },
    groups: { type: 'string', description: 'comma-separated groups (with --dev)', valueHint: 'a,b' },
  },
  schema: z
    .object({
      flow: z.enum(['device', 'browser']).default('device'),
      issuer: z.string().url().max(2048).optional(),
      clientId: z.string().min(1).max(256).optional(),
      scope: z.string().min(1).max(1024).default(DEFAULT_SCOPE),
      dev: z.boolean().default(false),
      user: z.string().min(3).max(254).optional(),
      groups: z.string().max(4096).default(''),
      server: z.string().min(1).optional(),
      output: OutputFormat,
    })
    .strict(),
  async run(a) {
    if (a.dev) return devLogin(a);
    if (a.user)
      throw usageError('--user goes with --dev; an OIDC login names you from the identity provider');
    const server = resolveServer(a.server);
    const tls = clientTls();
    const cfg = await fetchAuthConfig(server, tls);
    if (cfg.mode !== 'oidc' && !a.issuer)
      throw usageError(
        `jitsudod at ${server} runs in dev identity mode: use \`jitsudo login --dev --user you@example.com\``,
      );
    const issuer = a.issuer ?? cfg.issuer;
    const clientId = a.clientId ?? cfg.client_id;
    const audience = cfg.audience;
    if (!issuer) throw usageError(`jitsudod at ${server} names no issuer; pass --issuer`);
    if (!clientId)
      throw usageError(
        `jitsudod at ${server} names no public client (auth.oidc.client_id); pass --client-id`,
      );
    if (!audience) throw usageError(`jitsudod at ${server} names no audience (auth.oidc.audience)`);

    const config = await discoverIdp({ issuer, clientId, audience }, tls?.ca ? { ca: tls.ca } : undefined);
    const flowOpts = { scope: a.scope, audience, issuer, note };
    const tokens =
      a.flow === 'browser' ? await browserFlow(config, flowOpts) : await deviceFlow(config, flowOpts);

    // Saved only once jitsudod accepts the token: a wrong audience or issuer fails here, not later.
    let me: Awaited<ReturnType<ReturnType<typeof createClient>['whoami']>>;
    try {
      me = await createClient({ server, token: tokens.access_token, tls }).whoami();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'UNAUTHENTICATED')
        throw new CliError(
          `jitsudod at ${server} did not accept the token from ${issuer} (${e.message})`,
          EXIT.UNAUTHENTICATED,
        );
      throw e;
    }
    const expires_at = expiresAt(tokens);
    const path = saveCredentials({
      kind: 'oidc',
      server_url: server,
      token: tokens.access_token,
      expires_at,
      email: me.identity,
      issuer,
      client_id: clientId,
      audience,
      refresh_token: tokens.refresh_token,
      scope: tokens.scope ?? a.scope,
    });
    const shown = {
      identity: me.identity,
      kind: 'oidc' as const,
      groups: me.groups,
      is_admin: me.is_admin,
      server,
      issuer,
      expires_at,
      refreshable: !!tokens.refresh_token,
      credentials_file: path,
    };
    emit(
      a.output,
      shown,
      () =>
        `Logged in as ${shown.identity}${me.groups.length ? ` (groups: ${me.groups.join(', ')})` : ''}\nServer:     ${server}\nIssuer:     ${issuer}\nExpires:    ${expires_at}${tokens.refresh_token ? ' (refreshed automatically)' : ''}`,
    );
  },
});

async function devLogin(a: { user?: string; groups: string; server?: string; output: OutputFormat }) {
  if (!a.user) throw usageError('--dev needs --user <email>');
  const groups = a.groups
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  const client = anonymousClient(a.server);
  const minted = await client.issueDevToken({ email: a.user, groups });
  const path = saveCredentials({
    kind: 'dev',
    server_url: client.server,
    token: minted.token,
    expires_at: minted.expires_at,
    email: a.user.trim().toLowerCase(),
  });
  const shown = {
    email: a.user.trim().toLowerCase(),
    kind: 'dev' as const,
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
}
