/**
 * `jitsudo mcp`: a local stdio MCP server for AI agents — jitsudod's tool set (proxied over HTTP
 * with the agent's token) plus exec_with_access, which runs commands here with a grant's
 * credentials without the model ever seeing them. See src/mcp-stdio/README.md.
 */
import { z } from 'zod';
import { tlsFetch } from '../../client/tls-fetch.js';
import type { BearerSession } from '../../mcp-stdio/bearer.js';
import { leaf } from '../args.js';
import { clientTls, normalizeServer, resolveServer } from '../context.js';
import { loadCredentials } from '../credentials.js';
import { envServer, envToken } from '../env.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { sessionToken } from '../oidc/session.js';
import { visible } from '../output.js';

const DEFAULT_MAX_OUTPUT = 64 * 1024;

export const mcpCommand = leaf({
  name: 'mcp',
  description: 'Serve MCP on stdio for an AI agent: the jitsudod tools plus exec_with_access',
  globals: false,
  args: {
    server: {
      type: 'string',
      description:
        'jitsudod base URL (default: $JITSUDO_SERVER, the server saved at login, http://127.0.0.1:8080)',
      valueHint: 'url',
    },
    token: {
      type: 'string',
      description:
        'bearer token (default: $JITSUDO_TOKEN, then the login credentials); prefer the variable: flags show in ps',
    },
    'max-output-bytes': {
      type: 'string',
      description: `bytes of stdout and of stderr exec_with_access returns (default ${DEFAULT_MAX_OUTPUT})`,
    },
  },
  schema: z
    .object({
      server: z.string().min(1).max(2048).optional(),
      token: z.string().min(1).max(8192).optional(),
      maxOutputBytes: z.coerce
        .number()
        .int()
        .min(1024)
        .max(16 * 1024 * 1024)
        .default(DEFAULT_MAX_OUTPUT),
    })
    .strict(),
  async run(a) {
    const { server, token } = await resolve(a.server, a.token);
    // $JITSUDO_CA_FILE / _CLIENT_CERT_FILE / _CLIENT_KEY_FILE: a jitsudod behind a private CA or mTLS.
    const tls = clientTls();
    const { serveStdio } = await import('../../mcp-stdio/serve.js');
    const { PACKAGE_VERSION } = await import('../../mcp-stdio/version.js');
    await serveStdio({
      server,
      token,
      version: PACKAGE_VERSION,
      maxOutputBytes: a.maxOutputBytes,
      ...(tls ? { fetch: withTls(tlsFetch(tls)) } : {}),
      log: (line) => process.stderr.write(`${visible(line)}\n`),
    });
  },
});

/**
 * --token, then $JITSUDO_TOKEN, then the credentials file (whose server is the default). A login is
 * a session the bridge asks before every call: it runs for hours, its access tokens live minutes.
 */
async function resolve(
  serverFlag: string | undefined,
  tokenFlag: string | undefined,
): Promise<{ server: string; token: string | BearerSession }> {
  const token = tokenFlag ?? envToken();
  if (token) return { server: resolveServer(serverFlag), token };
  const creds = loadCredentials();
  if (!creds)
    throw new CliError(
      'no token: set JITSUDO_TOKEN to an agent token (`jitsudo agent create`), or run `jitsudo login`',
      EXIT.UNAUTHENTICATED,
    );
  const tls = clientTls();
  // The file is read again at each call: another jitsudo may have rotated the tokens meanwhile.
  const saved = () => {
    const c = loadCredentials();
    if (!c) throw new CliError('not logged in any more; run `jitsudo login` again', EXIT.UNAUTHENTICATED);
    return c;
  };
  const session: BearerSession = {
    current: () => sessionToken(saved(), tls),
    renew: (rejected) => sessionToken(saved(), tls, { rejected }),
  };
  // At start too, so that an expired login fails here with exit 3 rather than at the first tool call.
  await sessionToken(creds, tls);
  return { server: normalizeServer(serverFlag ?? envServer() ?? creds.server_url), token: session };
}

/** The TLS fetch takes a string URL and an init; the SDK's transport may pass a URL and no init. */
const withTls =
  (f: ReturnType<typeof tlsFetch>) =>
  (url: string | URL, init?: RequestInit): Promise<Response> =>
    f(String(url), init ?? {});
